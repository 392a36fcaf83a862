using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Validation;

namespace Gate.NetlinkCtl.State;

/// <summary>The one call most code needs: read a state file and check every rule, getting a valid state or every error.</summary>
internal static class StateFile
{
    /// <summary>Loads and validates the file at <paramref name="path"/>; <see cref="StateLoadResult.State"/> is null unless it is valid.</summary>
    /// <exception cref="IOException">The file is missing or unreadable.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static StateLoadResult Read(string path)
    {
        StateLoadResult loaded;
        using (StageTimings.Start("load"))
        {
            loaded = StateLoader.LoadFile(path);
        }

        return Check(loaded);
    }

    /// <summary>Loads and validates YAML text; <paramref name="file"/> names it in errors.</summary>
    public static StateLoadResult Parse(string yaml, string file) => Check(StateLoader.Load(yaml, file));

    private static StateLoadResult Check(StateLoadResult loaded)
    {
        if (loaded.State is null)
        {
            return loaded;
        }

        // Rules run even when the loader found errors: placeholders keep them quiet where a value was unreadable.
        using var validate = StageTimings.Start("validate");
        var errors = loaded.Errors.Concat(StateValidator.Validate(loaded.State, loaded.Map))
            .OrderBy(e => e.Line).ThenBy(e => e.Column)
            .ToList();
        return new StateLoadResult(errors.Count == 0 ? loaded.State : null, loaded.Map, errors);
    }
}
