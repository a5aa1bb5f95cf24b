namespace AdaptSeg.Geo.Runtime;

/// <summary>The requested compute device cannot be used; the message says how to make it usable.</summary>
public sealed class DeviceUnavailableException(string message) : AdaptSegInputException(message);
