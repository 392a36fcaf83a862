using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Gate.NetlinkCtl.Tests.Health;

/// <summary>A logger that keeps every line it is given (event id, level, text), for tests that count log lines.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Text)> _lines = new();

    public IReadOnlyList<(EventId Id, LogLevel Level, string Text)> Lines => [.. _lines];

    /// <summary>The lines with event id <paramref name="id"/>.</summary>
    public IReadOnlyList<string> WithId(int id) => [.. _lines.Where(l => l.Id.Id == id).Select(l => l.Text)];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue((eventId, logLevel, formatter(state, exception)));
}
