namespace AdaptSeg.Geo.Models;

/// <summary>Where the first-layer filter of one input band came from (see <see cref="InputBandAdapter"/>).</summary>
/// <param name="Band">The band's position in the network's input, 0-based.</param>
/// <param name="Name">The band's name (red, nir, ...), or null when unknown.</param>
/// <param name="Channel">The pretrained <c>conv1</c> channel taken, 0-based; null for the mean of all pretrained filters.</param>
/// <param name="ChannelName">That channel's name in the pretrained file, or null when unknown or for the mean.</param>
/// <param name="ByName">True when the channel was chosen by name, false when by position (names unknown on one side).</param>
public sealed record BandSource(int Band, string? Name, int? Channel, string? ChannelName, bool ByName);
