using Gate.NetlinkCtl.Reconcile.Plan;

namespace Gate.NetlinkCtl.Backends;

/// <summary>A backend could not observe or could not execute a step; the message says what the kernel or tool said.</summary>
internal sealed class BackendException : GatectlException
{
    /// <summary>Creates the exception for a failed step.</summary>
    public BackendException(string backend, PlanStep? step, int completedSteps, string message, Exception? inner = null)
        : base(step is null ? $"{backend}: {message}" : $"{backend}: {step.Describe()}: {message}", inner)
    {
        Backend = backend;
        Subject = step?.Describe();
        Reason = message;
        Step = step;
        CompletedSteps = completedSteps;
    }

    /// <summary>Creates the exception with a bare message (observation failures).</summary>
    public BackendException(string message)
        : this("backend", null, 0, message)
    {
    }

    /// <summary>Creates the exception with a bare message and cause.</summary>
    public BackendException(string message, Exception inner)
        : this("backend", null, 0, message, inner)
    {
    }

    /// <summary>Creates the exception without details.</summary>
    public BackendException()
        : this("backend", null, 0, "backend failure")
    {
    }

    /// <summary>The backend that failed.</summary>
    public string Backend { get; }

    /// <summary>What the kernel or tool said, without the backend and step prefix.</summary>
    public string Reason { get; }

    /// <summary>The step that failed, or null when observing failed.</summary>
    public PlanStep? Step { get; }

    /// <summary>How many steps of the batch completed before the failure.</summary>
    public int CompletedSteps { get; }
}
