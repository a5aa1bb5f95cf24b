using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Inference;

public sealed class InputGridSinkTests
{
    [Theory]
    [InlineData(23, 17, 11, 8, new[] { 3, 1, 4 })] // model coarser: several input rows per model row
    [InlineData(9, 7, 20, 15, new[] { 1, 6, 2, 6 })] // model finer: input rows skip model rows
    public void WriteRows_ModelRowsInUnevenBlocks_EveryInputRowIsTheBilinearInterpolationOnce(int width, int height, int modelWidth, int modelHeight, int[] blocks)
    {
        using var temp = new TempDirectory();
        const int classes = 3;
        string input = temp.File("input.tif");
        // Validity source: every pixel valid except (2, 3), which is nodata.
        SyntheticScenes.Write(input, width, height, 10, (x, y) => x == 2 && y == 3 ? SyntheticScenes.NoData : 1f);
        double scaleX = (double)modelWidth / width, scaleY = (double)modelHeight / height;
        var capture = new CapturingSink(width, height, classes);
        // Model pixel (i, j) has class 255 at (1, 1): no prediction there.
        static float P(int c, int row, int column) => 0.1f + 0.05f * c + 0.01f * row + 0.002f * column * (c + 1);
        static bool Predicted(int row, int column) => !(row == 1 && column == 1);

        using (var sink = new InputGridSink(capture, input, [1], width, height, modelWidth, modelHeight, scaleX, scaleY, classes))
        {
            int first = 0;
            foreach (int block in blocks)
            {
                var cls = new byte[block * modelWidth];
                var prob = new float[block * classes * modelWidth];
                for (int r = 0; r < block; r++)
                {
                    for (int j = 0; j < modelWidth; j++)
                    {
                        cls[r * modelWidth + j] = Predicted(first + r, j) ? (byte)0 : (byte)255;
                        for (int c = 0; c < classes; c++)
                        {
                            prob[(r * classes + c) * modelWidth + j] = P(c, first + r, j);
                        }
                    }
                }

                sink.WriteRows(first, block, cls, prob);
                first += block;
            }

            Assert.Equal(modelHeight, first);
            Assert.Equal(height, sink.RowsWritten);
        }

        Assert.Equal(height, capture.NextRow);
        for (int y = 0; y < height; y++)
        {
            (int i0, int i1, float ty) = InputGridSink.Map(y, scaleY, modelHeight);
            for (int x = 0; x < width; x++)
            {
                if (x == 2 && y == 3)
                {
                    Assert.Equal(255, capture.Classes[y * width + x]);
                    continue;
                }

                (int j0, int j1, float tx) = InputGridSink.Map(x, scaleX, modelWidth);
                (int R, int C, float W)[] corners = [(i0, j0, (1 - ty) * (1 - tx)), (i0, j1, (1 - ty) * tx), (i1, j0, ty * (1 - tx)), (i1, j1, ty * tx)];
                float total = corners.Where(k => Predicted(k.R, k.C)).Sum(k => k.W);
                if (!(total > 0))
                {
                    Assert.Equal(255, capture.Classes[y * width + x]); // only the unpredicted model pixel is near
                    continue;
                }

                for (int c = 0; c < classes; c++)
                {
                    float expected = corners.Where(k => Predicted(k.R, k.C)).Sum(k => k.W * P(c, k.R, k.C)) / total;
                    Assert.Equal(expected, capture.Probabilities[(c * height + y) * width + x], 1e-5);
                }

                Assert.Equal(2, capture.Classes[y * width + x]); // the highest class everywhere
            }
        }
    }
}
