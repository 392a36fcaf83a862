using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>
/// A gate's health probe: an interval of 5s..1h (it bounds the probe traffic), a timeout of 1s..60s shorter than the
/// interval (one probe ends before the next starts), and targets that are inner addresses the overlay reaches: inside the
/// device subnet, not the gate's own address, each once, at least one when the list is given.
/// </summary>
internal sealed class HealthRules : IStateRule
{
    public void Check(DesiredState state, RuleContext context)
    {
        for (var i = 0; i < state.Gates.Count; i++)
        {
            var gate = state.Gates[i];
            if (gate.Health is not { } health)
            {
                continue;
            }

            var path = StatePath.Key(StatePath.Gate(i), "health");
            CheckTiming(health, path, context);
            if (health.Targets is { } targets)
            {
                CheckTargets(gate, targets, path, context);
            }
            else if (gate.Soracom is null && HealthSpec.DefaultTargets(gate).Count == 0 && context.IsReadable(path))
            {
                context.Report(path,
                    "there is nothing to probe: the gate has no probe list and no peer with an inner address; list inner addresses that answer ping under health.targets (a SIM's, the VPG's) or under probe");
            }
        }
    }

    private static void CheckTiming(HealthSpec health, string path, RuleContext context)
    {
        var intervalPath = StatePath.Key(path, "interval");
        var timeoutPath = StatePath.Key(path, "timeout");
        if (context.IsReadable(intervalPath) && (health.Interval < HealthSpec.MinInterval || health.Interval > HealthSpec.MaxInterval))
        {
            context.Report(intervalPath,
                $"{DurationText.Format(health.Interval)} is out of range; expected a duration from 5s to 1h, such as 30s (each target gets one echo per interval)");
            return;
        }

        if (!context.IsReadable(timeoutPath))
        {
            return;
        }

        if (health.Timeout < HealthSpec.MinTimeout || health.Timeout > HealthSpec.MaxTimeout)
        {
            context.Report(timeoutPath, $"{DurationText.Format(health.Timeout)} is out of range; expected a duration from 1s to 60s, such as 2s");
        }
        else if (health.Timeout >= health.Interval)
        {
            context.Report(timeoutPath,
                $"{DurationText.Format(health.Timeout)} is not shorter than the interval {DurationText.Format(health.Interval)}; a probe must end before the next one starts: "
                + "shorten the timeout or lengthen the interval", intervalPath);
        }
    }

    private static void CheckTargets(GateSpec gate, EquatableList<IPAddress> targets, string path, RuleContext context)
    {
        var targetsPath = StatePath.Key(path, "targets");
        if (targets.Count == 0)
        {
            context.Report(targetsPath,
                "the list is empty, so nothing would be probed; list inner addresses that answer ping, or leave targets out to probe the gate's probe list and its peers' inner addresses");
            return;
        }

        var addressPath = StatePath.Key(StatePath.Parent(path), "address");
        var seen = new Dictionary<IPAddress, int>();
        for (var t = 0; t < targets.Count; t++)
        {
            var target = targets[t];
            var itemPath = StatePath.Item(targetsPath, t);
            if (!context.IsReadable(itemPath))
            {
                continue;
            }

            if (target.Equals(gate.Address.Address))
            {
                context.Report(itemPath, $"{target} is this gate's own inner address, which answers locally without crossing the overlay; list another host's inner address", addressPath);
            }
            else if (!gate.DeviceSubnet.Contains(target))
            {
                context.Report(itemPath,
                    $"{target} is outside the device subnet {gate.DeviceSubnet}, so its probe would not cross the overlay; list an inner address (a SIM's, the VPG's, a peer's)", addressPath);
            }
            else if (!seen.TryAdd(target, t))
            {
                context.Report(itemPath, $"{target} is already targets[{seen[target]}]; list each target once");
            }
        }
    }
}
