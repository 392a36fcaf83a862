using System.CommandLine;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary>The options every reconciling verb shares: <c>--netns</c> and <c>--backend</c>, plus the state file argument.</summary>
internal static class ReconcileOptions
{
    private const string NetnsName = "--netns";
    private const string BackendName = "--backend";

    /// <summary><c>--netns NAME</c> for a command that adds only this option; verbs get their own copy from <see cref="WithReconcileOptions"/>.</summary>
    public static Option<string?> Netns { get; } = CreateNetns();

    /// <summary><c>--backend auto|netlink|iproute2|networkmanager</c>; <c>auto</c> defers to the state file's <c>host.backend</c>.</summary>
    public static Option<BackendKind> Backend { get; } = CreateBackend();

    /// <summary>The state file argument.</summary>
    public static Argument<string> StateFileArgument() =>
        new("file") { Description = "The desired state, such as /etc/gatectl/state.yaml." };

    /// <summary>Where and how to reconcile, from the parsed options (read by name, so every verb's own copies count).</summary>
    public static ReconcileContext Context(ParseResult parse) =>
        new(parse.GetValue<string?>(NetnsName), parse.GetValue<BackendKind>(BackendName));

    /// <summary>Adds fresh <c>--netns</c> and <c>--backend</c> options to a command, so command trees share no option objects.</summary>
    public static Command WithReconcileOptions(this Command command)
    {
        command.Options.Add(CreateNetns());
        command.Options.Add(CreateBackend());
        return command;
    }

    private static Option<string?> CreateNetns() => new(NetnsName)
    {
        Description = "Work inside this named network namespace (ip netns) instead of the current one.",
    };

    private static Option<BackendKind> CreateBackend()
    {
        var option = new Option<BackendKind>(BackendName)
        {
            Description = "How to program the kernel: auto (the state file's host.backend, else netlink), netlink, iproute2 or networkmanager.",
            DefaultValueFactory = _ => BackendKind.Auto,
            CustomParser = result => result.Tokens.Count == 0 ? BackendKind.Auto : result.Tokens[0].Value switch
            {
                "netlink" => BackendKind.Netlink,
                "iproute2" => BackendKind.Iproute2,
                "networkmanager" => BackendKind.NetworkManager,
                _ => BackendKind.Auto,
            },
        };
        option.AcceptOnlyFromAmong("auto", "netlink", "iproute2", "networkmanager");
        return option;
    }
}
