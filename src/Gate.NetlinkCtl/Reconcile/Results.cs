using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile;

/// <summary>What <c>plan</c> (and <c>apply --dry-run</c>) found.</summary>
/// <param name="Backend">The backend that observed.</param>
/// <param name="Plan">The steps and problems.</param>
/// <param name="Observed">The observation the plan was made from.</param>
internal sealed record PlanResult(string Backend, ReconcilePlan Plan, ObservedHost Observed)
{
    /// <summary>Which backend was chosen for which gates, and why (empty unless the backend explains itself, as NetworkManager's does).</summary>
    public IReadOnlyList<string> BackendChoices { get; init; } = [];

    /// <summary>Where each gate with a SORACOM source got its endpoints.</summary>
    public EquatableList<SoracomApi.EndpointResolution> Sources { get; init; } = EquatableList<SoracomApi.EndpointResolution>.Empty;
}

/// <summary>What <c>apply</c> (and <c>delete</c>) did.</summary>
/// <param name="Backend">The backend that ran.</param>
/// <param name="Plan">The plan it executed (or refused).</param>
/// <param name="Executed">Steps that completed, in order (rolled-back ones included); empty when already in sync.</param>
/// <param name="Failure">Why it failed and what it restored, or null on success.</param>
/// <param name="Observed">The final observation (after verify or after rollback).</param>
internal sealed record ApplyResult(
    string Backend,
    ReconcilePlan Plan,
    EquatableList<PlanStep> Executed,
    ApplyFailure? Failure,
    ObservedHost Observed)
{
    /// <summary>True when the host is now in sync with the desired state.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>True when nothing needed changing, so nothing was written.</summary>
    public bool WasInSync => Failure is null && Plan.InSync;

    /// <summary>Where each gate with a SORACOM source got its endpoints; a held gate was left as it was.</summary>
    public EquatableList<SoracomApi.EndpointResolution> Sources { get; init; } = EquatableList<SoracomApi.EndpointResolution>.Empty;

    /// <summary>What this apply converged to: the desired state with SORACOM endpoints joined, and the gates held (null for <c>delete</c>).</summary>
    public ResolvedState? Resolved { get; init; }

    /// <summary>The desired state this apply converged to, SORACOM endpoints joined (null for <c>delete</c>).</summary>
    public DesiredState? Desired => Resolved?.State;

    /// <summary>This host's registrations as a Gate Peer that apply made or delete removed (<c>soracom.register: true</c>).</summary>
    public EquatableList<SoracomApi.RegistrationOutcome> Registrations { get; init; } = EquatableList<SoracomApi.RegistrationOutcome>.Empty;
}

/// <summary>Why an apply failed, and what was done about it.</summary>
/// <param name="Stage">Where it failed.</param>
/// <param name="Message">What failed, on which object, what the kernel or tool said.</param>
/// <param name="FailedStep">The step that failed, when a step did.</param>
/// <param name="RestoreSteps">Steps run to restore the pre-apply checkpoint.</param>
/// <param name="RestoreError">Why restoring failed too, or null when the host is back as it was (or nothing had changed).</param>
internal sealed record ApplyFailure(
    ApplyStage Stage,
    string Message,
    PlanStep? FailedStep,
    EquatableList<PlanStep> RestoreSteps,
    string? RestoreError)
{
    /// <summary>True when the host is as it was before the apply.</summary>
    public bool Restored => RestoreError is null;
}

/// <summary>Stages of an apply, for failure reports.</summary>
internal enum ApplyStage
{
    /// <summary>The plan had problems; nothing was changed.</summary>
    Plan,

    /// <summary>A step failed; the checkpoint was restored.</summary>
    Execute,

    /// <summary>Every step ran but the host still differs from the desired state afterwards.</summary>
    Verify,
}

/// <summary>What <c>show</c> found: gatectl's gates in the state file's schema.</summary>
/// <param name="Backend">The backend that observed.</param>
/// <param name="State">A desired state that, applied, changes nothing.</param>
/// <param name="Skipped">gatectl devices the schema cannot express (drifted too far), with why.</param>
/// <param name="Observed">The observation it was made from.</param>
internal sealed record ShowResult(string Backend, DesiredState State, EquatableList<string> Skipped, ObservedHost Observed);
