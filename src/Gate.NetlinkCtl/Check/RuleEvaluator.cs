using Gate.NetlinkCtl.Netlink;

namespace Gate.NetlinkCtl.Check;

/// <summary>Whether a rule matches the modelled packet.</summary>
internal enum Match
{
    No,
    Yes,
    Maybe,
}

/// <summary>What a rule does when it matches.</summary>
internal enum RuleAction
{
    /// <summary>No verdict (a counter, a log): the next rule follows.</summary>
    Continue,
    Accept,
    Drop,
    Jump,
    Goto,
    Return,
}

/// <summary>One rule's outcome for the packet: match, action (with a jump's chain), and why it is only "maybe".</summary>
internal sealed record RuleOutcome(Match Match, RuleAction Action, string? Target, string? Unknown);

/// <summary>
/// Runs one nftables rule's expressions over <see cref="PacketModel"/> as the kernel would, with registers whose bytes
/// may be unknown. Handles meta, payload, cmp, bitwise (mask/xor), range, lookup in sets, ct state, immediate verdicts,
/// reject, and iptables-nft's REJECT target; any other expression (an iptables <c>match</c>, fib, limit, ...) makes the
/// rule a "maybe", named in <see cref="RuleOutcome.Unknown"/>.
/// </summary>
internal sealed class RuleEvaluator(PacketModel packet, IReadOnlyList<NfRulesetSet> sets)
{
    // Register file: NFT_REG_1..4 are 16 bytes each, NFT_REG32_00..15 (8..23) 4 bytes each, over the same 64 bytes.
    private readonly byte?[] _registers = new byte?[64];

    public RuleOutcome Evaluate(NfRulesetRule rule)
    {
        Array.Fill(_registers, null);
        string? unknown = null;
        foreach (var e in rule.Expressions)
        {
            var step = Step(rule, e);
            if (step.Match == Match.No)
            {
                return new RuleOutcome(Match.No, RuleAction.Continue, null, null);
            }

            if (step.Match == Match.Maybe)
            {
                unknown ??= step.Why ?? e.Name;
            }

            if (step.Action is { } action)
            {
                return new RuleOutcome(unknown is null ? Match.Yes : Match.Maybe, action, step.Target, unknown);
            }
        }

        return new RuleOutcome(unknown is null ? Match.Yes : Match.Maybe, RuleAction.Continue, null, unknown);
    }

    private (Match Match, RuleAction? Action, string? Target, string? Why) Step(NfRulesetRule rule, NfRawExpression e)
    {
        switch (e.Name)
        {
            case "meta" when e.U32(1) is { } dreg:
                Load(dreg, packet.Meta(e.U32(2) ?? uint.MaxValue), 4);
                return Go();
            case "ct" when e.U32(1) is { } dreg:
                Load(dreg, PacketModel.Conntrack(e.U32(2) ?? uint.MaxValue), 4);
                return Go();
            case "payload" when e.U32(1) is { } dreg:
                var header = e.U32(2) switch { 1 => packet.NetworkHeader(), 2 => packet.TransportHeader(), _ => null };
                var offset = (int)(e.U32(3) ?? 0);
                var length = (int)(e.U32(4) ?? 0);
                Load(dreg, header is null || offset + length > header.Length ? null : header[offset..(offset + length)], length);
                return Go();
            case "cmp":
                return Compare(Read(e.U32(1), e.DataValue(3)?.Length ?? 0), e.DataValue(3) ?? [], e.U32(2) ?? 0);
            case "bitwise":
                return Bitwise(e);
            case "range":
                return Range(e);
            case "lookup":
                return Lookup(rule, e);
            case "immediate" when e.U32(1) == 0:
                return Verdict(e.Verdict(2) ?? 1, e.VerdictChain(2));
            case "immediate" when e.U32(1) is { } dreg:
                var value = e.DataValue(2);
                Load(dreg, value?.Select(b => (byte?)b).ToArray(), value?.Length ?? 0);
                return Go();
            case "reject":
                return (Match.Yes, RuleAction.Drop, null, null);
            case "target" when e.Text(1) is "REJECT" or "DROP":
                return (Match.Yes, RuleAction.Drop, null, null);
            case "counter" or "log" or "notrack" or "target" or "meta" or "ct" or "payload" or "objref":
                return Go(); // no effect on the verdict (a target here is a non-terminal one such as LOG or MARK)
            case "match":
                return (Match.Maybe, null, null, $"the iptables match '{e.Text(1)}'");
            default:
                if (e.U32(1) is { } anyDreg && e.Name is "fib" or "rt" or "socket" or "osf" or "hash" or "numgen")
                {
                    Load(anyDreg, null, 16);
                    return Go();
                }

                return (Match.Maybe, null, null, $"the '{e.Name}' expression");
        }
    }

    private static (Match, RuleAction?, string?, string?) Go() => (Match.Yes, null, null, null);

    private static (Match, RuleAction?, string?, string?) Verdict(int code, string? chain) => code switch
    {
        1 => (Match.Yes, RuleAction.Accept, null, null),
        0 => (Match.Yes, RuleAction.Drop, null, null),
        -3 => (Match.Yes, RuleAction.Jump, chain, null),
        -4 => (Match.Yes, RuleAction.Goto, chain, null),
        -5 => (Match.Yes, RuleAction.Return, null, null),
        _ => (Match.Yes, RuleAction.Continue, null, null), // continue, break, queue-less others
    };

    private static (Match, RuleAction?, string?, string?) Compare(byte?[] left, byte[] right, uint op)
    {
        if (left.Any(b => b is null))
        {
            return (Match.Maybe, null, null, "a field gatectl cannot know (such as the source port)");
        }

        var order = Order(left, right);
        var holds = op switch
        {
            0 => order == 0,
            1 => order != 0,
            2 => order < 0,
            3 => order <= 0,
            4 => order > 0,
            5 => order >= 0,
            _ => false,
        };
        return (holds ? Match.Yes : Match.No, null, null, null);
    }

    private (Match, RuleAction?, string?, string?) Bitwise(NfRawExpression e)
    {
        var length = (int)(e.U32(3) ?? 0);
        var input = Read(e.U32(1), length);
        var op = e.U32(6) ?? 0;
        var mask = e.DataValue(4);
        var xor = e.DataValue(5);
        var output = new byte?[length];
        for (var i = 0; i < length; i++)
        {
            if (op != 0 || mask is null || xor is null || i >= mask.Length || i >= xor.Length)
            {
                output[i] = null;
            }
            else if (mask[i] == 0)
            {
                output[i] = xor[i];
            }
            else
            {
                output[i] = input[i] is { } b ? (byte)((b & mask[i]) ^ xor[i]) : null;
            }
        }

        Load(e.U32(2) ?? 1, output, length);
        return Go();
    }

    private (Match, RuleAction?, string?, string?) Range(NfRawExpression e)
    {
        var from = e.DataValue(3) ?? [];
        var to = e.DataValue(4) ?? [];
        var value = Read(e.U32(1), from.Length);
        if (value.Any(b => b is null))
        {
            return (Match.Maybe, null, null, "a field gatectl cannot know (such as the source port)");
        }

        var inside = Order(value, from) >= 0 && Order(value, to) <= 0;
        var equal = (e.U32(2) ?? 0) == 0;
        return (inside == equal ? Match.Yes : Match.No, null, null, null);
    }

    private (Match, RuleAction?, string?, string?) Lookup(NfRulesetRule rule, NfRawExpression e)
    {
        var name = e.Text(1);
        var set = sets.FirstOrDefault(s => s.Family == rule.Family && s.Table == rule.Table && s.Name == name);
        if (set is null || e.Attributes.ContainsKey(3))
        {
            return (Match.Maybe, null, null, set is null ? $"the set '{name}'" : $"the map '{name}'");
        }

        var keyLength = set.Elements.Select(x => x.Key.Length).DefaultIfEmpty(0).Max();
        var value = Read(e.U32(2), keyLength);
        if (value.Any(b => b is null))
        {
            return (Match.Maybe, null, null, "a field gatectl cannot know (such as the source port)");
        }

        var member = (set.Flags & NfRulesetSet.IntervalFlag) != 0 ? InInterval(set, value) : set.Elements.Any(x => x.Key.Length == value.Length && Order(value, x.Key) == 0);
        var inverted = ((e.U32(5) ?? 0) & 1) != 0;
        return (member != inverted ? Match.Yes : Match.No, null, null, null);
    }

    // An interval set holds starts and (exclusive) ends: the value is inside when the nearest element at or below it is a start.
    private static bool InInterval(NfRulesetSet set, byte?[] value)
    {
        var below = set.Elements.Where(x => x.Key.Length == value.Length && Order(value, x.Key) >= 0)
            .OrderByDescending(x => x.Key, Comparer<byte[]>.Create((a, b) => Order([.. a.Select(v => (byte?)v)], b)))
            .FirstOrDefault();
        return below is { IntervalEnd: false };
    }

    private static int Order(byte?[] left, byte[] right)
    {
        for (var i = 0; i < Math.Min(left.Length, right.Length); i++)
        {
            var c = left[i]!.Value.CompareTo(right[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return left.Length.CompareTo(right.Length);
    }

    private void Load(uint register, byte?[]? value, int length)
    {
        var start = Offset(register);
        if (start < 0)
        {
            return;
        }

        for (var i = 0; i < Math.Max(length, value?.Length ?? 0) && start + i < _registers.Length; i++)
        {
            _registers[start + i] = value is not null && i < value.Length ? value[i] : null;
        }
    }

    private byte?[] Read(uint? register, int length)
    {
        var start = register is { } r ? Offset(r) : -1;
        var value = new byte?[length];
        for (var i = 0; i < length; i++)
        {
            value[i] = start >= 0 && start + i < _registers.Length ? _registers[start + i] : null;
        }

        return value;
    }

    private static int Offset(uint register) => register switch
    {
        >= 1 and <= 4 => (int)(register - 1) * 16,
        >= 8 and <= 23 => (int)(register - 8) * 4,
        _ => -1,
    };
}
