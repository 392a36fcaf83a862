namespace Gate.NetlinkCtl.Tests.Ansible;

/// <summary>What one ansible-playbook run printed and returned.</summary>
/// <param name="ExitCode">ansible-playbook's exit code (0 ok, 2 a host failed, 4 unreachable, ...).</param>
/// <param name="Output">Standard output and standard error, in that order.</param>
/// <param name="Host">The host whose recap <see cref="Recap"/> reads.</param>
public sealed record PlaybookRun(int ExitCode, string Output, string Host)
{
    /// <summary>The host's PLAY RECAP counters.</summary>
    public PlayRecap Recap => PlayRecap.Parse(Output, Host);

    /// <summary>For assertion messages: the whole run.</summary>
    public override string ToString() => $"ansible-playbook exited {ExitCode}:\n{Output}";
}
