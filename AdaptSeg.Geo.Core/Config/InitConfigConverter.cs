using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdaptSeg.Geo.Config;

/// <summary>Reads <c>model.init</c> as a string (the path) or as an object; writes the string form when no bands are named.</summary>
public sealed class InitConfigConverter : JsonConverter<InitConfig>
{
    public override InitConfig? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? new InitConfig { Path = reader.GetString()! }
            : JsonSerializer.Deserialize<InitConfig>(ref reader, options); // InitConfig itself has no converter: no recursion

    public override void Write(Utf8JsonWriter writer, InitConfig value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Bands is null)
        {
            writer.WriteStringValue(value.Path);
        }
        else
        {
            JsonSerializer.Serialize(writer, value, options);
        }
    }
}
