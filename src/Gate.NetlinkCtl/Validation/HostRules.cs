using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>Host-wide settings: a sane reconcile interval and an absolute metrics path.</summary>
internal sealed class HostRules : IStateRule
{
    public void Check(DesiredState state, RuleContext context)
    {
        var interval = state.Host.ReconcileInterval;
        if (interval < StateLimits.MinReconcileInterval || interval > StateLimits.MaxReconcileInterval)
        {
            context.Report("host.reconcileInterval",
                $"{DurationText.Format(interval)} is out of range; expected a duration from 1s to 24h, such as 60s");
        }

        if (state.Host.MetricsPath is { } path && !path.StartsWith('/'))
        {
            context.Report("host.metricsPath",
                $"{StateText.Quote(path)} is not an absolute path; expected a path such as /var/lib/gatectl/metrics.prom");
        }
    }
}
