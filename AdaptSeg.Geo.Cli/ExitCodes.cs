namespace AdaptSeg.Geo.Cli;

/// <summary>The process exit codes, by name.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int UnexpectedFailure = 1;
    public const int BadInput = 2;
    public const int Cancelled = 130;
}
