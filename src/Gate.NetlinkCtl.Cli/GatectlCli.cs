using System.CommandLine;
using System.Diagnostics;
using Gate.NetlinkCtl.Reconcile;

namespace Gate.NetlinkCtl.Cli;

/// <summary>Builds gatectl's command tree; each verb lives in its own class under Commands/.</summary>
internal static class GatectlCli
{
    /// <summary>Parses and runs one command line, returning its exit code.</summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return Invoke(args, stdout, stderr);
        }
        finally
        {
            if (StageTimings.Enabled)
            {
                // What the stages do not cover (process start before Main, exit) is the whole process's time minus this.
                StageTimings.Record("main (all of the above and the rest)", Stopwatch.GetElapsedTime(started));
                (stderr ?? Console.Error).Write(StageTimings.Format());
            }
        }
    }

    private static int Invoke(string[] args, TextWriter? stdout, TextWriter? stderr)
    {
        var arguments = StageTimings.Start("arguments");
        var root = BuildRoot();
        var parse = root.Parse(args);
        arguments.Dispose();
        if (parse.Errors.Count > 0)
        {
            // A wrong command line is its own exit code, apart from failures and invalid state.
            var error = stderr ?? Console.Error;
            foreach (var problem in parse.Errors)
            {
                error.WriteLine($"gatectl: {problem.Message}");
            }

            error.WriteLine("Run 'gatectl --help' for usage.");
            return ExitCodes.Usage;
        }

        using var report = stdout is null && !Streams(parse.CommandResult.Command.Name) ? BufferedStdout() : null;
        var config = new InvocationConfiguration
        {
            Output = stdout ?? report ?? Console.Out,
            Error = stderr ?? Console.Error,
        };
        if (OwnsSignals(parse.CommandResult.Command.Name))
        {
            // The daemon's host stops gracefully on SIGTERM itself (finishing a reconcile in flight, up to its shutdown
            // timeout). System.CommandLine's own handler would force-exit it with 143 two seconds after the signal.
            config.ProcessTerminationTimeout = null;
        }
        try
        {
            return parse.Invoke(config);
        }
        finally
        {
            using var output = StageTimings.Start("output");
            report?.Flush();
        }
    }

    /// <summary>Verbs that handle SIGTERM and SIGINT themselves (the daemon, through its generic host's lifetime).</summary>
    private static bool OwnsSignals(string verb) => verb is "run";

    /// <summary>Verbs whose output is read as it comes (the demo's checks, the daemon): their stdout is never held back.</summary>
    private static bool Streams(string verb) => verb is "run" or "demo";

    /// <summary>
    /// Console.Out writes every line with its own write(2); an apply at 10,000 endpoints reports 10,000 lines. One-shot
    /// verbs print into this buffer instead, flushed when the verb ends, so the report costs a few writes.
    /// </summary>
    private static StreamWriter BufferedStdout() =>
        new(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024) { AutoFlush = false };

    /// <summary>The root command with every verb that exists.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("gatectl: keeps this host a SORACOM Gate Peer (VXLAN overlay) by reconciling a desired state against the kernel.");
        root.Subcommands.Add(Commands.RunCommand.Build());
        root.Subcommands.Add(Commands.StatusCommand.Build());
        root.Subcommands.Add(Commands.ValidateCommand.Build());
        root.Subcommands.Add(Commands.PlanCommand.Build());
        root.Subcommands.Add(Commands.ApplyCommand.Build());
        root.Subcommands.Add(Commands.DiffCommand.Build());
        root.Subcommands.Add(Commands.CheckCommand.Build());
        root.Subcommands.Add(Commands.ShowCommand.Build());
        root.Subcommands.Add(Commands.ImportCommand.Build());
        root.Subcommands.Add(Commands.DeleteCommand.Build());
        root.Subcommands.Add(Commands.RenderCommand.Build());
        root.Subcommands.Add(Commands.SoracomCommand.Build());
        root.Subcommands.Add(Commands.DemoCommand.Build());
        root.Subcommands.Add(Commands.VersionCommand.Build());
        root.Subcommands.Add(Commands.ReferenceCommands.BuildMan());
        root.Subcommands.Add(Commands.ReferenceCommands.BuildCompletion());
        root.Subcommands.Add(Commands.SchemaCommand.Build());
        return root;
    }
}
