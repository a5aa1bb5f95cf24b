namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// The Cityscapes label ids and the 19 evaluation classes ("trainIds") used by GTA5→Cityscapes.
/// GTA5 labels and Cityscapes <c>*_gtFine_labelIds.png</c> store label ids; ids 7, 8, 11, 12, 13,
/// 17, 19..28, 31, 32, 33 become trainIds 0..18 (the reference <c>id_to_trainid</c> and
/// <c>info.json</c> <c>label2train</c>); every other valid id becomes 255 (ignored).
/// </summary>
/// <remarks>
/// Valid stored values are the Cityscapes label ids 0..33 and 255 (the 8-bit form of id -1,
/// "license plate", and the usual "void" value). The reference silently ignores any other value;
/// here it is an error (<see cref="MapToTrainIds"/>), because a value such as 250 means the file
/// is not a label-id image (a colour or trainId image, a different dataset).
/// </remarks>
public static class CityscapesLabels
{
    /// <summary>Number of evaluation classes.</summary>
    public const int ClassCount = 19;

    /// <summary>The trainId of pixels that are not scored.</summary>
    public const byte Ignore = 255;

    /// <summary>The largest Cityscapes label id (33, "bicycle").</summary>
    public const int MaxLabelId = 33;

    /// <summary>The label id of each trainId 0..18.</summary>
    public static IReadOnlyList<int> TrainLabelIds { get; } = [7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33];

    /// <summary>The 19 class names, in trainId order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "road", "sidewalk", "building", "wall", "fence", "pole", "light", "sign", "vegetation", "terrain",
        "sky", "person", "rider", "car", "truck", "bus", "train", "motorcycle", "bicycle",
    ];

    private static readonly byte[] Lookup = BuildLookup();

    /// <summary>The trainId of a label id (255 for ids that are not scored and for unknown values).</summary>
    public static byte ToTrainId(int labelId) => labelId is >= 0 and <= 255 ? Lookup[labelId] : Ignore;

    /// <summary>Whether an 8-bit value may appear in a label-id image: 0..33, or 255.</summary>
    public static bool IsValidLabelId(byte value) => value <= MaxLabelId || value == 255;

    /// <summary>
    /// Maps label ids to trainIds. Throws <see cref="CityscapesDataException"/> naming
    /// <paramref name="path"/>, the value and where it first occurs when a value is not a label id.
    /// </summary>
    public static void MapToTrainIds(ReadOnlySpan<byte> labelIds, Span<byte> trainIds, int width, string path)
    {
        if (trainIds.Length < labelIds.Length)
        {
            throw new ArgumentException($"The trainId buffer holds {trainIds.Length} values, the label {labelIds.Length}.", nameof(trainIds));
        }

        for (int i = 0; i < labelIds.Length; i++)
        {
            byte id = labelIds[i];
            if (!IsValidLabelId(id))
            {
                throw UnknownId(labelIds, i, width, path);
            }

            trainIds[i] = Lookup[id];
        }
    }

    private static CityscapesDataException UnknownId(ReadOnlySpan<byte> labelIds, int first, int width, string path)
    {
        byte id = labelIds[first];
        int count = 0;
        foreach (byte v in labelIds)
        {
            count += v == id ? 1 : 0;
        }

        int column = width > 0 ? first % width : first;
        int row = width > 0 ? first / width : 0;
        return new CityscapesDataException(
            $"Label '{path}' holds the value {id} ({count} pixels, first at column {column}, row {row}), which is not a Cityscapes label id (0..{MaxLabelId}, or 255 for void). " +
            "Use the label-id images (GTA5 'labels/*.png', Cityscapes '*_gtFine_labelIds.png'), not colour or trainId images.",
            path);
    }

    private static byte[] BuildLookup()
    {
        var table = new byte[256];
        Array.Fill(table, Ignore);
        for (int trainId = 0; trainId < ClassCount; trainId++)
        {
            table[TrainLabelIds[trainId]] = (byte)trainId;
        }

        return table;
    }
}
