using AdaptSeg.Geo.Cli.Commands;

namespace AdaptSeg.Geo.Tests.Cli;

public sealed class ConsoleProgressBarTests
{
    [Fact]
    public void PlainLine_HalfDone_ShowsPercentCountRateElapsedAndEta()
    {
        string line = ConsoleProgressBar.PlainLine("predict", 50, 100, "batch 3", TimeSpan.FromSeconds(10), "tiles");
        Assert.Equal("predict  50% 50/100 batch 3 5.00 tiles/s 00:10 ETA 00:10", line);
    }

    [Fact]
    public void Redirected_ManyQuickUpdates_WritesOnlyTheFinalLine()
    {
        var writer = new StringWriter();
        var bar = new ConsoleProgressBar(writer, "evaluate", interactive: false);
        for (int i = 1; i <= 1000; i++)
        {
            bar.Update(i, 1000);
        }

        bar.Finish();
        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("evaluate 100% 1000/1000 ", lines[0]);
        Assert.Contains(" it/s ", lines[0]);
        Assert.DoesNotContain('\u001b', lines[0]); // no terminal escapes in logs
    }

    [Fact]
    public async Task Interactive_Updates_DrawsASpectreBarAndFinishes()
    {
        var writer = new StringWriter();
        var run = Task.Run(() =>
        {
            var bar = new ConsoleProgressBar(writer, "train", interactive: true);
            for (int i = 0; i <= 10; i++)
            {
                bar.Update(i, 10, "loss 0.5");
                Thread.Sleep(30);
            }

            bar.Finish();
        });
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))));
        await run;
        string text = writer.ToString();
        Assert.Contains("train loss 0.5", text);
        Assert.Contains("10/10", text);
        Assert.Contains("it/s", text);
        Assert.Contains('\u001b', text); // drawn in place with terminal escapes
    }

    [Theory]
    [InlineData(0.0412, "0.0412")]
    [InlineData(4.123, "4.12")]
    [InlineData(45.67, "45.7")]
    [InlineData(1234.4, "1234")]
    [InlineData(0.0, "0")]
    public void PredictSummary_Throughput_HasThreeSignificantDigits(double value, string expected) =>
        Assert.Equal(expected, PredictCommand.FormatMegapixelsPerSecond(value));
}
