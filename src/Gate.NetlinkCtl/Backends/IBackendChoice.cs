namespace Gate.NetlinkCtl.Backends;

/// <summary>A backend that chose how to program the host by itself (<c>backend: auto</c>) and can say why.</summary>
internal interface IBackendChoice
{
    /// <summary>What was chosen and why, for people (<c>plan</c> prints it); empty before the first observation.</summary>
    IReadOnlyList<string> Choices { get; }
}
