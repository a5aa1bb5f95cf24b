using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace AdaptSeg.Geo.Visualisation;

/// <summary>Minimal raster drawing on an ImageSharp image: pixels, lines, rectangles and 5x7 text.</summary>
public sealed class Canvas : IDisposable
{
    public Canvas(int width, int height, Rgb24 background)
    {
        Image = new Image<Rgb24>(width, height, background);
    }

    /// <summary>The image drawn on.</summary>
    public Image<Rgb24> Image { get; }

    public int Width => Image.Width;

    public int Height => Image.Height;

    /// <summary>Sets one pixel (ignored outside the image).</summary>
    public void Set(int x, int y, Rgb24 colour)
    {
        if (x >= 0 && y >= 0 && x < Width && y < Height)
        {
            Image[x, y] = colour;
        }
    }

    /// <summary>A line from (x0, y0) to (x1, y1), Bresenham, <paramref name="thickness"/> pixels wide.</summary>
    public void Line(int x0, int y0, int x1, int y1, Rgb24 colour, int thickness = 1)
    {
        int dx = Math.Abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
        int dy = -Math.Abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
        int error = dx + dy;
        while (true)
        {
            for (int t = 0; t < thickness; t++)
            {
                Set(x0, y0 + t, colour);
            }

            if (x0 == x1 && y0 == y1)
            {
                break;
            }

            int e2 = 2 * error;
            if (e2 >= dy)
            {
                error += dy;
                x0 += sx;
            }

            if (e2 <= dx)
            {
                error += dx;
                y0 += sy;
            }
        }
    }

    /// <summary>A filled rectangle.</summary>
    public void Fill(int x, int y, int width, int height, Rgb24 colour)
    {
        for (int j = y; j < y + height; j++)
        {
            for (int i = x; i < x + width; i++)
            {
                Set(i, j, colour);
            }
        }
    }

    /// <summary>A rectangle outline.</summary>
    public void Rectangle(int x, int y, int width, int height, Rgb24 colour)
    {
        Line(x, y, x + width - 1, y, colour);
        Line(x, y + height - 1, x + width - 1, y + height - 1, colour);
        Line(x, y, x, y + height - 1, colour);
        Line(x + width - 1, y, x + width - 1, y + height - 1, colour);
    }

    /// <summary>Text with its top-left corner at (x, y), each font pixel drawn as a scale x scale block.</summary>
    public void Text(int x, int y, string text, Rgb24 colour, int scale = 1)
    {
        foreach (char c in text)
        {
            ReadOnlySpan<byte> columns = BitmapFont.Columns(c);
            for (int col = 0; col < BitmapFont.GlyphWidth; col++)
            {
                for (int row = 0; row < BitmapFont.GlyphHeight; row++)
                {
                    if ((columns[col] >> row & 1) != 0)
                    {
                        Fill(x + col * scale, y + row * scale, scale, scale, colour);
                    }
                }
            }

            x += (BitmapFont.GlyphWidth + 1) * scale;
        }
    }

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/>.</summary>
    public static int TextWidth(string text, int scale = 1) => text.Length * (BitmapFont.GlyphWidth + 1) * scale;

    /// <summary>Saves as PNG under a temporary name, then renames.</summary>
    public void SavePng(string path)
    {
        string temporary = path + ".tmp.png";
        Image.SaveAsPng(temporary);
        File.Move(temporary, path, overwrite: true);
    }

    public void Dispose() => Image.Dispose();
}
