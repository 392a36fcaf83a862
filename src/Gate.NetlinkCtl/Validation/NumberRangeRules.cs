using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>Numbers within their ranges: VNI, destination port, source port range, MTU.</summary>
internal sealed class NumberRangeRules : IStateRule
{
    public void Check(DesiredState state, RuleContext context)
    {
        for (var i = 0; i < state.Gates.Count; i++)
        {
            var gate = state.Gates[i];
            var gatePath = StatePath.Gate(i);
            if (gate.Vni is < 1 or > StateLimits.MaxVni)
            {
                context.Report(StatePath.Key(gatePath, "vni"), StateLimits.OutOfRange(gate.Vni, StateLimits.VniExpected));
            }

            if (gate.Port == 0)
            {
                context.Report(StatePath.Key(gatePath, "port"), StateLimits.OutOfRange(gate.Port, StateLimits.PortExpected));
            }

            CheckSourcePorts(gate.SourcePorts, StatePath.Key(gatePath, "sourcePorts"), context);

            if (gate.Mtu is { } mtu and (< StateLimits.MinMtu or > StateLimits.MaxMtu))
            {
                context.Report(StatePath.Key(gatePath, "mtu"), StateLimits.OutOfRange(mtu, StateLimits.MtuExpected));
            }
        }
    }

    private static void CheckSourcePorts(PortRange range, string path, RuleContext context)
    {
        if (range.IsAny)
        {
            return;
        }

        if (range.Low == 0 || range.High == 0)
        {
            context.Report(path, $"{range} includes port 0; expected 'low-high' with ports 1..65535, such as 4789-4789, or 'any'");
        }
        else if (range.Low > range.High)
        {
            context.Report(path, $"{range} is not ordered; expected the low port first, such as {range.High}-{range.Low}");
        }
    }
}
