using System.Globalization;
using System.Text.RegularExpressions;

namespace Gate.NetlinkCtl.Tests.Ansible;

/// <summary>One host's line of ansible-playbook's PLAY RECAP.</summary>
public sealed partial record PlayRecap(int Ok, int Changed, int Unreachable, int Failed, int Skipped, int Rescued, int Ignored)
{
    /// <summary>Reads <paramref name="host"/>'s recap line from a run's output; throws when there is none.</summary>
    public static PlayRecap Parse(string output, string host)
    {
        foreach (Match match in RecapLine().Matches(output))
        {
            if (match.Groups["host"].Value != host)
            {
                continue;
            }

            int Count(string name) => int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
            return new PlayRecap(Count("ok"), Count("changed"), Count("unreachable"), Count("failed"), Count("skipped"), Count("rescued"), Count("ignored"));
        }

        throw new InvalidOperationException($"no PLAY RECAP line for {host} in the output:\n{output}");
    }

    [GeneratedRegex(@"^(?<host>\S+)\s*:\s*ok=(?<ok>\d+)\s+changed=(?<changed>\d+)\s+unreachable=(?<unreachable>\d+)\s+failed=(?<failed>\d+)\s+skipped=(?<skipped>\d+)\s+rescued=(?<rescued>\d+)\s+ignored=(?<ignored>\d+)", RegexOptions.Multiline)]
    private static partial Regex RecapLine();
}
