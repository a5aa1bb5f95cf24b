using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// Builds a state dict in PyTorch's order. TorchSharp's <c>Module.state_dict</c> lists every
/// parameter of the whole tree first and every buffer after them, whereas PyTorch walks the
/// modules in registration order and lists, for each module, its own parameters and then its own
/// buffers (<c>bn1.weight, bn1.bias, bn1.running_mean, bn1.running_var, bn1.num_batches_tracked,
/// layer1.0.conv1.weight, ...</c>). Modules with batch normalisation override <c>state_dict</c>
/// with <see cref="Collect"/> so that their keys come out in the order of the reference checkpoints.
/// The keys themselves are the same either way: they come from the field names.
/// </summary>
public static class PyTorchStateDict
{
    /// <summary>
    /// Adds the persistent state of <paramref name="module"/> and its descendants to
    /// <paramref name="destination"/> (a new dictionary when null), in PyTorch's order, under
    /// <paramref name="prefix"/>. Entries already present are kept, as in TorchSharp.
    /// </summary>
    public static Dictionary<string, Tensor> Collect(nn.Module module, Dictionary<string, Tensor>? destination = null, string? prefix = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        destination ??= new Dictionary<string, Tensor>();
        foreach (var (name, parameter) in module.named_parameters(recurse: false))
        {
            destination.TryAdd(Join(prefix, name), parameter);
        }

        foreach (var (name, buffer) in module.named_buffers(recurse: false, include_nonpersistent: false))
        {
            destination.TryAdd(Join(prefix, name), buffer);
        }

        foreach (var (name, child) in module.named_children())
        {
            Collect(child, destination, Join(prefix, name));
        }

        return destination;
    }

    private static string Join(string? prefix, string name) => string.IsNullOrEmpty(prefix) ? name : $"{prefix}.{name}";
}
