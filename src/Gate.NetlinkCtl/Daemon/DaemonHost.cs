using Gate.NetlinkCtl.Backends;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>Builds the generic host that runs <see cref="ReconcileDaemon"/>, with systemd integration when started by systemd.</summary>
internal static class DaemonHost
{
    /// <summary>
    /// Builds the host. Under systemd (<c>Type=notify</c>) it sends READY=1 once the first reconcile is done and
    /// STOPPING=1 on SIGTERM, and logs in journald's format; elsewhere it logs single lines to stderr. With
    /// <paramref name="floods"/>, deleted flood entries are restored at once from their kernel events (the fast path).
    /// </summary>
    public static IHost Build(DaemonOptions options, IReconcilePass pass, IKernelEventFeed? events, IFloodEntryWriter? floods = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "gatectl" });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        // The lifetime's "Application started ... content root" lines say nothing about gatectl.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });
        // stdout stays free for commands' output; journald captures stderr all the same.
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        // After the console formatter: under systemd, AddSystemd switches it to journald's format.
        builder.Services.AddSystemd();
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new StateInForce(options.StatePath));
        builder.Services.AddSingleton(pass);
        if (events is not null)
        {
            builder.Services.AddSingleton(events);
        }

        builder.Services.AddSingleton<ReconcileDaemon>(services => new ReconcileDaemon(
            options,
            services.GetRequiredService<StateInForce>(),
            pass,
            events,
            services.GetRequiredService<ILogger<ReconcileDaemon>>(),
            floods));
        builder.Services.AddHostedService(services => services.GetRequiredService<ReconcileDaemon>());
        return builder.Build();
    }
}
