using System.Text;
using Tmds.DBus.Protocol;

namespace Gate.NetlinkCtl.Backends.NetworkManager.Bus;

/// <summary>
/// A connection profile as NetworkManager exchanges it over D-Bus (<c>a{sa{sv}}</c>): setting name
/// (<c>connection</c>, <c>vxlan</c>, <c>ipv4</c>, ...) to property name to value. NetworkManager leaves out
/// properties that hold their default value, so a missing property means "default", not "unset".
/// </summary>
internal sealed class NmSettings
{
    private readonly SortedDictionary<string, SortedDictionary<string, VariantValue>> _settings = new(StringComparer.Ordinal);

    /// <summary>The setting names present.</summary>
    public IEnumerable<string> SettingNames => _settings.Keys;

    /// <summary>The value of <paramref name="setting"/>.<paramref name="property"/>, or null when absent.</summary>
    public VariantValue? Get(string setting, string property) =>
        _settings.TryGetValue(setting, out var properties) && properties.TryGetValue(property, out var value) ? (VariantValue?)value : null;

    /// <summary>The properties of one setting (empty when the setting is absent).</summary>
    public IReadOnlyDictionary<string, VariantValue> GetSetting(string setting) =>
        _settings.TryGetValue(setting, out var properties) ? properties : new SortedDictionary<string, VariantValue>();

    /// <summary>Sets one property, creating its setting when needed; returns this object for chaining.</summary>
    public NmSettings Set(string setting, string property, VariantValue value)
    {
        if (!_settings.TryGetValue(setting, out var properties))
        {
            properties = new SortedDictionary<string, VariantValue>(StringComparer.Ordinal);
            _settings.Add(setting, properties);
        }

        properties[property] = value;
        return this;
    }

    /// <summary>Adds an empty setting (NetworkManager needs e.g. <c>ipv6</c> present to apply its defaults); returns this object.</summary>
    public NmSettings AddSetting(string setting)
    {
        if (!_settings.ContainsKey(setting))
        {
            _settings.Add(setting, new SortedDictionary<string, VariantValue>(StringComparer.Ordinal));
        }

        return this;
    }

    /// <summary>Writes the settings as an <c>a{sa{sv}}</c> argument.</summary>
    internal void WriteTo(ref MessageWriter writer)
    {
        var outer = writer.WriteDictionaryStart();
        foreach (var (name, properties) in _settings)
        {
            writer.WriteDictionaryEntryStart();
            writer.WriteString(name);
            writer.WriteDictionary(properties);
        }

        writer.WriteDictionaryEnd(outer);
    }

    /// <summary>Reads an <c>a{sa{sv}}</c> value.</summary>
    internal static NmSettings Read(ref Reader reader)
    {
        var settings = new NmSettings();
        var end = reader.ReadDictionaryStart();
        while (reader.HasNext(end))
        {
            reader.AlignStruct();
            var name = reader.ReadString();
            settings.AddSetting(name);
            foreach (var (property, value) in reader.ReadDictionaryOfStringToVariantValue())
            {
                settings.Set(name, property, value);
            }
        }

        return settings;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (name, properties) in _settings)
        {
            text.Append('[').Append(name).Append(']');
            foreach (var (property, value) in properties)
            {
                text.Append(' ').Append(property).Append('=').Append(value.ToString(includeTypeSuffix: false));
            }

            text.Append(' ');
        }

        return text.ToString().TrimEnd();
    }
}
