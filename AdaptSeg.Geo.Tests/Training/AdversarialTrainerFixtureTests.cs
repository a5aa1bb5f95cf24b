using System.Text.Json;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Training;

/// <summary>
/// Three iterations of the multi-level adversarial step from formula weights, in float64, against
/// train_3steps_19c.json (the reference PyTorch step on CUDA; see Fixtures/README.md).
/// </summary>
/// <remarks>
/// The fixture is ill-conditioned after the second update: with formula weights, BatchNorm over
/// the tiny deep feature maps divides by near-zero batch variances, and a rounding-level
/// difference grows about 3e4-fold per iteration (<see cref="Step_RoundingLevelPerturbation_IsAmplifiedByTheThirdIteration"/>
/// shows it on our own run). Iterations 0 and 1 are checked to 1e-6 relative (they agree to about
/// 5e-12 and 5e-8). Iteration 2 and the parameters after the three updates can only agree as far
/// as CUDA-versus-CPU float64 rounding allows, and are checked to 1e-3.
/// </remarks>
public sealed class AdversarialTrainerFixtureTests
{
    private const int Classes = 19;

    [Fact]
    [Trait("Category", "Slow")]
    public void Step_ThreeIterationsFromFormulaWeights_MatchReferenceLossesAndParameters()
    {
        using JsonDocument fixture = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("train_3steps_19c.json")));
        JsonElement root = fixture.RootElement;
        using var run = new FormulaRun();
        var mismatches = new List<string>();
        foreach (JsonElement step in root.GetProperty("steps").EnumerateArray())
        {
            int it = step.GetProperty("iter").GetInt32();
            StepLosses losses = run.Step(it, 0);
            double tolerance = it < 2 ? 1e-6 : 1e-3;
            Check(mismatches, step, "loss_seg1", losses.SegAux, it, tolerance);
            Check(mismatches, step, "loss_seg2", losses.SegMain, it, tolerance);
            Check(mismatches, step, "loss_adv1", losses.AdvAux, it, tolerance);
            Check(mismatches, step, "loss_adv2", losses.AdvMain, it, tolerance);
            Check(mismatches, step, "loss_D1", losses.DiscAux, it, tolerance);
            Check(mismatches, step, "loss_D2", losses.DiscMain, it, tolerance);
        }

        var state = run.Network.state_dict();
        var d1State = run.D1.state_dict();
        var d2State = run.D2.state_dict();
        foreach (JsonProperty entry in root.GetProperty("params_after").EnumerateObject())
        {
            Tensor value = entry.Name.StartsWith("D1.", StringComparison.Ordinal) ? d1State[entry.Name[3..]]
                : entry.Name.StartsWith("D2.", StringComparison.Ordinal) ? d2State[entry.Name[3..]]
                : state[entry.Name];
            double sum = value.sum().item<double>();
            double sumsq = value.square().sum().item<double>();
            double expectedSum = entry.Value.GetProperty("sum").GetDouble();
            double expectedSumsq = entry.Value.GetProperty("sumsq").GetDouble();
            // Sums can cancel to near zero: compare them on the scale of the entries.
            double scale = Math.Max(Math.Abs(expectedSum), Math.Sqrt(expectedSumsq));
            if (Math.Abs(sumsq - expectedSumsq) > 1e-3 * expectedSumsq || Math.Abs(sum - expectedSum) > 1e-3 * scale)
            {
                mismatches.Add($"{entry.Name}: sum {sum:R} (expected {expectedSum:R}), sum of squares {sumsq:R} (expected {expectedSumsq:R})");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Step_RoundingLevelPerturbation_IsAmplifiedByTheThirdIteration()
    {
        using var exact = new FormulaRun();
        using var perturbed = new FormulaRun();
        var a = Enumerable.Range(0, 3).Select(it => exact.Step(it, 0)).ToList();
        var b = Enumerable.Range(0, 3).Select(it => perturbed.Step(it, it == 0 ? 1e-12 : 0)).ToList();

        double Relative(int it) => Math.Abs(a[it].SegAux - b[it].SegAux) / a[it].SegAux;
        Assert.True(Relative(0) < 1e-10, $"iteration 0 moved by {Relative(0):E2}");
        Assert.True(Relative(2) > 1e-6, $"iteration 2 moved by only {Relative(2):E2}: the fixture would be well-conditioned after all");
    }

    private static void Check(List<string> mismatches, JsonElement step, string name, double actual, int it, double tolerance)
    {
        double expected = step.GetProperty(name).GetDouble();
        double relative = Math.Abs(actual - expected) / Math.Abs(expected);
        if (relative > tolerance)
        {
            mismatches.Add($"iteration {it} {name}: expected {expected:R}, got {actual:R} (relative {relative:E2} > {tolerance:E0})");
        }
    }

    /// <summary>The fixture's networks, optimisers and inputs; <see cref="Step"/> can scale the source input by (1 + eps).</summary>
    private sealed class FormulaRun : IDisposable
    {
        private readonly AdversarialTrainer trainer;

        public FormulaRun()
        {
            Network = new DeepLabMulti(Classes);
            D1 = new FcDiscriminator(Classes);
            D2 = new FcDiscriminator(Classes);
            foreach (nn.Module m in new nn.Module[] { Network, D1, D2 })
            {
                m.to(ScalarType.Float64);
                FormulaWeights.Apply(m);
            }

            trainer = new AdversarialTrainer(Network, [D1, D2], new TrainerSettings());
        }

        public DeepLabMulti Network { get; }

        public FcDiscriminator D1 { get; }

        public FcDiscriminator D2 { get; }

        public StepLosses Step(int it, double eps)
        {
            using var scope = NewDisposeScope();
            Tensor xs = FormulaWeights.Input([1, 3, 49, 65], 0.5 * it) * (1 + eps);
            Tensor ys = FormulaWeights.Labels(49, 65, it, Classes);
            Tensor xt = FormulaWeights.Input([1, 3, 41, 57], 1.0 + 0.5 * it);
            return trainer.Step(it, xs, ys, xt);
        }

        public void Dispose()
        {
            trainer.Dispose();
            Network.Dispose();
            D1.Dispose();
            D2.Dispose();
        }
    }
}
