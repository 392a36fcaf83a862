using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// A first pass over the YAML event stream that refuses what a state file never needs and what the
/// representation model would either reject one at a time (duplicate keys) or expand (aliases):
/// anchors, aliases, tags, duplicate keys, more than one document, and deep nesting. It reports every
/// such problem, located, before the tree is built.
/// </summary>
internal static class YamlShapeCheck
{
    private sealed class Frame(string path, bool isMapping)
    {
        public string Path { get; } = path;
        public bool IsMapping { get; } = isMapping;
        public bool ExpectKey { get; set; } = true;
        public string? CurrentKey { get; set; }
        public int Index { get; set; }
        public Dictionary<string, int> KeyLines { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Adds an error per problem found; returns false when the tree must not be built.</summary>
    public static bool Run(string yaml, StateSourceMap map, List<StateError> errors)
    {
        var before = errors.Count;
        var stack = new Stack<Frame>();
        var documents = 0;
        var parser = new MarkedParser(yaml);
        while (TryMoveNext(parser, map, errors))
        {
            var current = parser.Current!;
            switch (current)
            {
                case DocumentStart start:
                    documents++;
                    if (documents == 2)
                    {
                        errors.Add(At(map, start.Start, string.Empty, "a second YAML document starts here; expected one document per state file"));
                    }

                    break;
                case AnchorAlias alias:
                    errors.Add(At(map, alias.Start, ChildPath(stack), $"alias '*{alias.Value}' is not allowed; write the value out (state files use no anchors or aliases)"));
                    Advance(stack.Count > 0 ? stack.Peek() : null, current);
                    break;
                case NodeEvent node:
                    var path = ChildPath(stack);
                    var parent = stack.Count > 0 ? stack.Peek() : null;
                    if (!node.Anchor.IsEmpty)
                    {
                        errors.Add(At(map, node.Start, path, $"anchor '&{node.Anchor.Value}' is not allowed; write the value out (state files use no anchors or aliases)"));
                    }

                    if (!node.Tag.IsEmpty)
                    {
                        errors.Add(At(map, node.Start, path, $"tag {StateText.Quote(node.Tag.Value)} is not allowed; write the plain value (state files use no YAML tags)"));
                    }

                    CheckDuplicateKey(stack, node, map, errors);
                    Advance(parent, current);
                    if (node is MappingStart or SequenceStart)
                    {
                        if (stack.Count >= StateLimits.MaxDepth)
                        {
                            errors.Add(At(map, node.Start, path, $"nesting is deeper than {StateLimits.MaxDepth} levels; a state file needs at most 5"));
                            return false;
                        }

                        stack.Push(new Frame(path, node is MappingStart));
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    stack.Pop();
                    break;
            }
        }

        return errors.Count == before;
    }

    private static bool TryMoveNext(MarkedParser parser, StateSourceMap map, List<StateError> errors)
    {
        try
        {
            return parser.MoveNext();
        }
        catch (Exception e) when (MarkedParser.IsUnlocatedFailure(e))
        {
            errors.Add(parser.Failure(map.File));
            return false;
        }
    }

    private static void CheckDuplicateKey(Stack<Frame> stack, NodeEvent node, StateSourceMap map, List<StateError> errors)
    {
        if (stack.Count == 0 || !stack.Peek().IsMapping || !stack.Peek().ExpectKey || node is not Scalar key)
        {
            return;
        }

        var frame = stack.Peek();
        var line = (int)key.Start.Line;
        if (!frame.KeyLines.TryAdd(key.Value, line))
        {
            errors.Add(At(map, key.Start, StatePath.Key(frame.Path, key.Value),
                $"key {StateText.Quote(key.Value)} appears twice (first on line {frame.KeyLines[key.Value]}); keep one"));
        }
    }

    // The path of the node about to start, from the enclosing frame.
    private static string ChildPath(Stack<Frame> stack)
    {
        if (stack.Count == 0)
        {
            return string.Empty;
        }

        var frame = stack.Peek();
        if (!frame.IsMapping)
        {
            return StatePath.Item(frame.Path, frame.Index);
        }

        return frame.ExpectKey ? frame.Path : StatePath.Key(frame.Path, frame.CurrentKey ?? "?");
    }

    // After a node starts, the enclosing frame moves on: key -> value -> key, or to the next item.
    private static void Advance(Frame? parent, ParsingEvent started)
    {
        if (parent is null)
        {
            return;
        }

        if (!parent.IsMapping)
        {
            parent.Index++;
            return;
        }

        if (parent.ExpectKey)
        {
            parent.CurrentKey = started is Scalar scalar ? scalar.Value : "?";
        }

        parent.ExpectKey = !parent.ExpectKey;
    }

    private static StateError At(StateSourceMap map, Mark mark, string path, string message) =>
        new(map.File, (int)mark.Line, (int)mark.Column, path, message);
}
