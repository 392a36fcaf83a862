using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Guard;

/// <summary>
/// The VXLAN guard: gatectl's own nftables table (<see cref="GuardTable"/>), programmed in-process over a
/// NETLINK_NETFILTER socket in the target network namespace: observed by dumping it, compared object by object
/// with <see cref="GuardDefinition"/>, changed in one nf_tables transaction (all or nothing). An endpoint change
/// is a set element added or deleted; any other difference replaces the table in one transaction. Needs
/// CAP_NET_ADMIN only and starts no process.
/// </summary>
internal sealed class NftablesGuard
{
    private readonly string? _netns;

    /// <summary>A guard for the current network namespace (<paramref name="netns"/> null) or the named one.</summary>
    /// <param name="netns">Named network namespace, as <c>ip netns</c> knows it.</param>
    public NftablesGuard(string? netns = null) => _netns = netns;

    private string Where => _netns is null ? "this host's network namespace" : $"network namespace {_netns}";

    /// <summary>The file the nftables template renders the guard's table into.</summary>
    public const string RenderedFileName = "gatectl-guard.nft";

    /// <summary>Whether <paramref name="desired"/> wants a table: the guard is on and at least one gate is present.</summary>
    public static bool IsWanted(DesiredState desired) => GuardDefinition.IsWanted(desired);

    /// <summary>
    /// The ruleset text the nftables template renders for <paramref name="desired"/> (<c>gatectl render --format
    /// nftables</c>, for hosts that load rules with their own nftables service): the same table, as a file.
    /// </summary>
    public static string Render(DesiredState desired, StateRenderer? renderer = null)
    {
        // The nftables format also renders the routing table (gatectl-routing.nft) when a gate routes.
        var files = (renderer ?? StateRenderer.Default).Render(desired, RenderFormat.Nftables, "the desired state")
            .Where(f => f.RelativePath == RenderedFileName).ToList();
        return files.Count == 1
            ? files[0].Content
            : throw new GuardException($"the nftables templates rendered {files.Count} files named {RenderedFileName}; expected exactly one ruleset");
    }

    /// <summary>gatectl's table as it is now, or null when it does not exist.</summary>
    public Task<GuardSnapshot?> ObserveAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var table = Run("read", client => client.ReadTable(GuardTable.Name));
        return Task.FromResult(table is null ? null : new GuardSnapshot(table));
    }

    /// <summary>Compares gatectl's table with what <paramref name="desired"/> asks for.</summary>
    public async Task<GuardDrift> DiffAsync(DesiredState desired, CancellationToken cancellationToken = default) =>
        (await CompareAsync(desired, cancellationToken).ConfigureAwait(false)).Drift;

    /// <summary>Creates, changes or removes gatectl's table so it matches <paramref name="desired"/>, then checks; returns the drift it repaired.</summary>
    public async Task<GuardDrift> ApplyAsync(DesiredState desired, CancellationToken cancellationToken = default)
    {
        var comparison = await CompareAsync(desired, cancellationToken).ConfigureAwait(false);
        if (comparison.Drift.InSync)
        {
            return comparison.Drift;
        }

        await ProgramAsync(comparison, cancellationToken).ConfigureAwait(false);
        var after = await DiffAsync(desired, cancellationToken).ConfigureAwait(false);
        return after.InSync
            ? comparison.Drift
            : throw new GuardException($"programmed the guard, but {after.Describe()}; check for another program rewriting table {GuardTable.Display}");
    }

    /// <summary>Commits the one transaction that turns <paramref name="comparison"/>'s observed table into the wanted one.</summary>
    public Task ProgramAsync(GuardComparison comparison, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RefuseOwned(comparison.Observed?.Table);
        var transaction = comparison.Transaction();
        Run("program", client =>
        {
            client.Commit(transaction);
            return true;
        });
        return Task.CompletedTask;
    }

    /// <summary>Deletes gatectl's table; nothing happens when it does not exist.</summary>
    public Task RemoveAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Run("delete", client =>
        {
            if (client.ReadTable(GuardTable.Name) is { } table)
            {
                RefuseOwned(table);
                client.Commit(new NfTransaction().DeleteTable(GuardTable.Name));
            }

            return true;
        });
        return Task.CompletedTask;
    }

    /// <summary>Puts the table back as <paramref name="snapshot"/> recorded it, or removes it when there was none.</summary>
    public Task RestoreAsync(GuardSnapshot? snapshot, CancellationToken cancellationToken = default)
    {
        if (snapshot is null)
        {
            return RemoveAsync(cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        Run("restore", client =>
        {
            client.Commit(snapshot.RestoreTransaction());
            return true;
        });
        return Task.CompletedTask;
    }

    /// <summary>The drift, with the table wanted (null when none is) and the table as observed.</summary>
    public Task<GuardComparison> CompareAsync(DesiredState desired, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var wanted = GuardDefinition.For(desired);
        NfTableContents? observed;
        try
        {
            observed = Run("read", client => client.ReadTable(GuardTable.Name));
        }
        catch (GuardException e) when (e.NoNfTables && wanted is null)
        {
            observed = null; // a kernel without nf_tables has no table to remove, and a host without the guard needs none
        }

        return Task.FromResult(new GuardComparison(GuardDrift.Compare(wanted, observed), wanted, observed is null ? null : new GuardSnapshot(observed)));
    }

    // A table with NFT_TABLE_F_OWNER belongs to another program's netlink socket: the kernel refuses every change
    // to it (EPERM) until that program exits, which "needs CAP_NET_ADMIN" would misexplain.
    private void RefuseOwned(NfTableContents? table)
    {
        if (table is not null && (table.Flags & NfTableOwnerFlag) != 0)
        {
            throw new GuardException(
                $"cannot change table {GuardTable.Display} in {Where}: another program created it with 'flags owner' and holds it (the kernel lets only that program change it); stop that program, or set host.guard: false");
        }
    }

    private const uint NfTableOwnerFlag = 2; // NFT_TABLE_F_OWNER

    private T Run<T>(string verb, Func<NfTablesClient, T> action)
    {
        try
        {
            using var client = NfTablesClient.Open(_netns);
            return action(client);
        }
        catch (NetlinkException e)
        {
            throw GuardException.From(e, verb, Where);
        }
    }
}

/// <summary>One comparison of gatectl's table with the desired state.</summary>
/// <param name="Drift">What differs.</param>
/// <param name="Wanted">The table wanted, or null when no table is.</param>
/// <param name="Observed">The table as observed, or null when it does not exist.</param>
internal sealed record GuardComparison(GuardDrift Drift, NfTableContents? Wanted, GuardSnapshot? Observed)
{
    /// <summary>
    /// The one transaction that repairs the drift: set elements added and deleted when only they differ,
    /// the table deleted when none is wanted, else the table replaced whole (create, delete, define anew).
    /// </summary>
    public NfTransaction Transaction()
    {
        var transaction = new NfTransaction();
        if (Drift.InSync)
        {
            return transaction;
        }

        if (Wanted is null)
        {
            return transaction.DeleteTable(GuardTable.Name);
        }

        if (!Drift.ElementsOnly || Observed is null)
        {
            return transaction.ReplaceTable(Wanted);
        }

        foreach (var set in Wanted.Sets)
        {
            var theirs = Observed.Table.Sets.First(s => s.Definition == set.Definition);
            var delete = theirs.Elements.Except(set.Elements).ToList();
            var add = set.Elements.Except(theirs.Elements).ToList();
            if (delete.Count > 0)
            {
                transaction.DeleteElements(GuardTable.Name, set.Definition.Name, delete);
            }

            if (add.Count > 0)
            {
                transaction.AddElements(GuardTable.Name, set.Definition.Name, add);
            }
        }

        return transaction;
    }
}
