using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Guard;

/// <summary>
/// The VXLAN guard: gatectl's own nftables table, rendered from the state by the nftables template, loaded with
/// <c>nft -f -</c> (one atomic transaction that replaces only that table), observed with
/// <c>nft -j list table inet gatectl_guard</c>. Rendered and observed rules are compared in nft's own canonical
/// form: the rendered text is first loaded into a scratch network namespace, where nft echoes it back as the
/// kernel holds it.
/// </summary>
public sealed class NftablesGuard
{
    private readonly NftRunner _nft;
    private readonly StateRenderer _renderer;
    private readonly string? _netns;

    /// <summary>A guard for the current network namespace (<paramref name="netns"/> null) or the named one.</summary>
    /// <param name="netns">Named network namespace, as <c>ip netns</c> knows it.</param>
    /// <param name="renderer">Renderer of the nftables template (default: the built-in templates).</param>
    public NftablesGuard(string? netns = null, StateRenderer? renderer = null)
    {
        _nft = NftRunner.In(netns);
        _netns = netns;
        _renderer = renderer ?? StateRenderer.Default;
    }

    /// <summary>Whether <paramref name="desired"/> wants a table: the guard is on and at least one gate is present.</summary>
    public static bool IsWanted(DesiredState desired) =>
        desired.Host.Guard && desired.Gates.Any(g => g.State == GatePresence.Present);

    /// <summary>The ruleset text the nftables template renders for <paramref name="desired"/>.</summary>
    public string Render(DesiredState desired)
    {
        var files = _renderer.Render(desired, RenderFormat.Nftables, "the desired state");
        return files.Count == 1
            ? files[0].Content
            : throw new GuardException($"the nftables templates rendered {files.Count} files; the guard needs exactly one ruleset");
    }

    /// <summary>The canonical form of <paramref name="ruleset"/>, loaded into a scratch namespace (no host changes).</summary>
    public static async Task<GuardRuleset> CanonicalAsync(string ruleset, CancellationToken cancellationToken = default)
    {
        // A file, not stdin: with --json, nft first tries the input as JSON, and a pipe cannot be read twice.
        var path = Path.Combine(Path.GetTempPath(), $"gatectl-guard-{Guid.NewGuid():N}.nft");
        await File.WriteAllTextAsync(path, ruleset, cancellationToken).ConfigureAwait(false);
        try
        {
            var output = await NftRunner.Scratch.RunAsync(["--echo", "--json", "--file", path], null, cancellationToken).ConfigureAwait(false);
            if (output.ExitCode != 0)
            {
                throw new GuardException($"the rendered guard ruleset does not load (nft exited {output.ExitCode}): {output.Error}; fix the nftables template");
            }

            return GuardRuleset.FromEcho(output.Output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>gatectl's table as it is now, or null when it does not exist.</summary>
    public async Task<GuardSnapshot?> ObserveAsync(CancellationToken cancellationToken = default)
    {
        var output = await _nft.RunAsync(["--json", "list", "table", GuardTable.Family, GuardTable.Name], null, cancellationToken).ConfigureAwait(false);
        if (output.ExitCode != 0)
        {
            return output.Error.Contains("No such file or directory", StringComparison.Ordinal)
                ? null
                : throw Failure("list", output);
        }

        return new GuardSnapshot(GuardRuleset.FromListing(output.Output), output.Output);
    }

    /// <summary>Compares gatectl's table with what <paramref name="desired"/> asks for.</summary>
    public async Task<GuardDrift> DiffAsync(DesiredState desired, CancellationToken cancellationToken = default) =>
        (await CompareAsync(desired, cancellationToken).ConfigureAwait(false)).Drift;

    /// <summary>Loads, replaces or removes gatectl's table so it matches <paramref name="desired"/>, then checks; returns the drift it repaired.</summary>
    public async Task<GuardDrift> ApplyAsync(DesiredState desired, CancellationToken cancellationToken = default)
    {
        var comparison = await CompareAsync(desired, cancellationToken).ConfigureAwait(false);
        if (comparison.Drift.InSync)
        {
            return comparison.Drift;
        }

        if (comparison.Ruleset is null)
        {
            await RemoveAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await LoadAsync(comparison.Ruleset, cancellationToken).ConfigureAwait(false);
        }

        var after = await DiffAsync(desired, cancellationToken).ConfigureAwait(false);
        return after.InSync
            ? comparison.Drift
            : throw new GuardException($"loaded the guard, but {after.Describe()}; check for another program rewriting table {GuardTable.Display}");
    }

    /// <summary>Loads <paramref name="ruleset"/> (which replaces the table in one transaction) with <c>nft -f -</c>.</summary>
    public async Task LoadAsync(string ruleset, CancellationToken cancellationToken = default)
    {
        var output = await _nft.RunAsync(["--file", "-"], ruleset, cancellationToken).ConfigureAwait(false);
        if (output.ExitCode != 0)
        {
            throw Failure("load", output);
        }
    }

    /// <summary>Deletes gatectl's table; nothing happens when it does not exist.</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken = default)
    {
        var output = await _nft.RunAsync(["delete", "table", GuardTable.Family, GuardTable.Name], null, cancellationToken).ConfigureAwait(false);
        if (output.ExitCode != 0 && !output.Error.Contains("No such file or directory", StringComparison.Ordinal))
        {
            throw Failure("delete", output);
        }
    }

    /// <summary>Puts the table back as <paramref name="snapshot"/> recorded it, or removes it when there was none.</summary>
    public async Task RestoreAsync(GuardSnapshot? snapshot, CancellationToken cancellationToken = default)
    {
        if (snapshot is null)
        {
            await RemoveAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var output = await _nft.RunAsync(["--json", "--file", "-"], snapshot.RestoreTransaction(), cancellationToken).ConfigureAwait(false);
        if (output.ExitCode != 0)
        {
            throw Failure("restore", output);
        }
    }

    /// <summary>The drift, with the ruleset to load (null when no table is wanted) and the table as observed.</summary>
    internal async Task<GuardComparison> CompareAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        if (!IsWanted(desired))
        {
            if (!TableMayExist())
            {
                return new GuardComparison(GuardDrift.Compare(null, null), null, null);
            }

            GuardSnapshot? existing;
            try
            {
                existing = await ObserveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (GuardException e) when (e.MissingProgram)
            {
                existing = null; // without nft there can be no table to remove, and a host without the guard needs no nftables
            }

            return new GuardComparison(GuardDrift.Compare(null, existing?.Ruleset), null, existing);
        }

        var observed = await ObserveAsync(cancellationToken).ConfigureAwait(false);
        var ruleset = Render(desired);
        var wanted = await CanonicalAsync(ruleset, cancellationToken).ConfigureAwait(false);
        return new GuardComparison(GuardDrift.Compare(wanted, observed?.Ruleset), ruleset, observed);
    }

    /// <summary>
    /// False only when the kernel says the table is absent, asked over netlink: the common case of a host without
    /// the guard then needs no nft process (an in-sync apply starts none). Any doubt (no nf_tables, an error)
    /// leaves the answer to nft, as before.
    /// </summary>
    private bool TableMayExist()
    {
        try
        {
            return NfTables.TableExists(_netns, NfTables.InetFamily, GuardTable.Name);
        }
        catch (NetlinkException)
        {
            return true;
        }
    }

    private GuardException Failure(string verb, NftOutput output) =>
        new($"nft could not {verb} table {GuardTable.Display} in {_nft.Where} (exit {output.ExitCode}): {output.Error}");
}

/// <summary>One comparison of gatectl's table with the desired state.</summary>
/// <param name="Drift">What differs.</param>
/// <param name="Ruleset">The rendered ruleset to load, or null when no table is wanted.</param>
/// <param name="Observed">The table as observed, or null when it does not exist.</param>
internal sealed record GuardComparison(GuardDrift Drift, string? Ruleset, GuardSnapshot? Observed);
