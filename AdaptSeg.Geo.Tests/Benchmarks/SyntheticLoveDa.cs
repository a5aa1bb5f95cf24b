using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Tests.Benchmarks;

/// <summary>Small LoveDA layouts (<c>{Split}/{Domain}/{images_png,masks_png}</c>) for the LoveDA tests.</summary>
internal static class SyntheticLoveDa
{
    /// <summary>The mask value (0..7) of pixel (x, y) of image <paramref name="i"/>: bands of every class, with no-data (0) in one corner.</summary>
    public static byte Mask(int i, int x, int y) => x < 3 && y < 3 ? (byte)0 : (byte)(1 + (((x / 4) + (y / 5) + i) % 7));

    /// <summary>
    /// Writes <paramref name="count"/> images of <paramref name="size"/> px under root/split/domain; their red
    /// channel is 30 x the mask value (so a test can check that images and masks move together), green and
    /// blue vary with the position. Masks are written unless <paramref name="masks"/> is false.
    /// </summary>
    public static void Write(string root, LoveDaSplit split, LoveDaDomain domain, int count, int size, bool masks = true, int firstName = 0)
    {
        string folder = Path.Combine(root, split.ToString(), domain.ToString());
        for (int i = 0; i < count; i++)
        {
            int image = i;
            string name = $"{firstName + i}.png";
            SyntheticPng.Rgb(Path.Combine(folder, "images_png", name), size, size,
                (x, y) => ((byte)(30 * Mask(image, x, y)), (byte)((x * 7) + image), (byte)(y * 5)));
            if (masks)
            {
                SyntheticPng.Grey(Path.Combine(folder, "masks_png", name), size, size, (x, y) => Mask(image, x, y));
            }
        }
    }
}
