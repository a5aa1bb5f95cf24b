namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// A checkpoint could not be read, written or loaded: the file is truncated or not a PyTorch checkpoint,
/// it references a Python global outside the allowed set, or its tensors do not fit the model.
/// The message names the file (or key) and the problem.
/// </summary>
public sealed class CheckpointException : AdaptSegInputException
{
    public CheckpointException(string message)
        : base(message)
    {
    }

    public CheckpointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
