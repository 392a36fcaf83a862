using System.Text.RegularExpressions;

namespace Gate.NetlinkCtl.Tests.Ansible;

/// <summary>What one ansible-playbook run printed and returned, read per host and per task.</summary>
/// <param name="ExitCode">ansible-playbook's exit code (0 ok, 2 a host failed, ...).</param>
/// <param name="Output">Standard output and standard error, in that order.</param>
public sealed partial record PlaybookRun(int ExitCode, string Output)
{
    /// <summary>The PLAY RECAP counters of <paramref name="host"/>.</summary>
    public PlayRecap RecapOf(string host) => PlayRecap.Parse(Output, host);

    /// <summary>
    /// What <paramref name="host"/> got from the role's first task whose name starts with <paramref name="task"/>:
    /// its status (ok, changed, failed, skipping) and the lines printed for it.
    /// </summary>
    public TaskResult ResultOf(string task, string host)
    {
        var lines = Output.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith($"TASK [gatectl : {task}", StringComparison.Ordinal));
        if (start < 0)
        {
            throw new InvalidOperationException($"no task '{task}' in the run:\n{Output}");
        }

        for (var i = start + 1; i < lines.Length && !SectionStart().IsMatch(lines[i]); i++)
        {
            var status = HostResult().Match(lines[i]);
            if (!status.Success || status.Groups["host"].Value != host)
            {
                continue;
            }

            var text = lines.Skip(i).TakeWhile((l, n) => n == 0 || !(HostResult().IsMatch(l) || SectionStart().IsMatch(l)));
            var name = status.Groups["status"].Value;
            return new TaskResult(name == "fatal" ? "failed" : name, string.Join('\n', text));
        }

        throw new InvalidOperationException($"task '{task}' printed nothing for {host}:\n{Output}");
    }

    /// <summary>For assertion messages: the whole run.</summary>
    public override string ToString() => $"ansible-playbook exited {ExitCode}:\n{Output}";

    [GeneratedRegex(@"^(TASK|RUNNING HANDLER|PLAY RECAP|PLAY) ")]
    private static partial Regex SectionStart();

    [GeneratedRegex(@"^(?<status>ok|changed|fatal|failed|skipping): \[(?<host>[^\]]+)\]")]
    private static partial Regex HostResult();
}

/// <summary>One host's result of one task.</summary>
/// <param name="Status">ok, changed, failed or skipping.</param>
/// <param name="Text">The lines printed for it (the result line, then any message block).</param>
public sealed record TaskResult(string Status, string Text);
