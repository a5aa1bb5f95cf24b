using System.Text.Json;
using AdaptSeg.Geo.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// A trained model as one PyTorch zip <c>.pth</c>: <c>state_dict</c> (the reference key names),
/// <c>format</c> = "adaptseg-model" and <c>description</c> (a <see cref="ModelDescription"/> as JSON).
/// PyTorch reads it with <c>torch.load(path, weights_only=True)</c>.
/// </summary>
public static class ModelPackage
{
    public const string FormatName = "adaptseg-model";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = false };

    /// <summary>Writes the model (atomically).</summary>
    public static void Save(string path, DeepLabMulti network, ModelDescription description)
    {
        var state = network.state_dict();
        var content = new Dictionary<string, object?>
        {
            ["format"] = FormatName,
            ["description"] = JsonSerializer.Serialize(description, Json),
            ["state_dict"] = state.ToDictionary(kv => kv.Key, kv => (object?)kv.Value.detach().cpu()),
        };
        CheckpointWriter.Save(path, content);
    }

    /// <summary>Reads a model file: its description and the network with its weights, on <paramref name="device"/>.</summary>
    public static (DeepLabMulti Network, ModelDescription Description) Load(string path, Device device)
    {
        using Checkpoint checkpoint = CheckpointReader.Read(path);
        ModelDescription description = DescriptionOf(checkpoint) ?? throw new CheckpointException(
            $"'{path}' is a PyTorch checkpoint but not an adaptseg model (no format/description entries). " +
            "Use the model.pth written by 'adaptseg train', or load raw weights with 'adaptseg model info' to inspect them.");
        DeepLabMulti network = description.CreateNetwork();
        CheckpointLoader.Load(network, checkpoint, CheckpointLoadOptions.Exact);
        network.to(device);
        return (network, description);
    }

    /// <summary>The description of an adaptseg model file, or null when <paramref name="checkpoint"/> is not one.</summary>
    /// <exception cref="CheckpointException">The file says it is an adaptseg model but its description is empty or not valid.</exception>
    public static ModelDescription? DescriptionOf(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!checkpoint.Entries.TryGetValue("format", out object? format) || format as string != FormatName ||
            !checkpoint.Entries.TryGetValue("description", out object? text) || text is not string json)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ModelDescription>(json, Json)
                ?? throw new CheckpointException($"'{checkpoint.Path}' has an empty model description.");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"'{checkpoint.Path}' has a model description that cannot be read ({e.Message}); write the model again with 'adaptseg train'.", e);
        }
    }
}
