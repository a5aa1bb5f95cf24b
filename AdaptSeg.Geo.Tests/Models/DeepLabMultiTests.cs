using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Tests.TestSupport;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models;

/// <summary>Structure, options and parameter groups of <see cref="DeepLabMulti"/>, on one-block-per-stage networks.</summary>
public sealed class DeepLabMultiTests
{
    private static readonly int[] OneBlockPerStage = [1, 1, 1, 1];

    [Theory]
    [InlineData(33, 41, 5, 6)]
    [InlineData(64, 64, 9, 9)]
    [InlineData(65, 89, 9, 12)]
    [InlineData(77, 101, 10, 13)]
    public void Forward_AnyInputSize_BothHeadsAtOutputSize(int height, int width, int outHeight, int outWidth)
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(numClasses: 5);
        model.eval();
        using var noGrad = no_grad();

        var (aux, main) = model.call(randn(2, 3, height, width));

        long[] expected = [2, 5, outHeight, outWidth];
        Assert.Equal(expected, aux.shape);
        Assert.Equal(expected, main.shape);
        Assert.Equal(outHeight, DeepLabMulti.OutputSize(height));
        Assert.Equal(outWidth, DeepLabMulti.OutputSize(width));
    }

    [Fact]
    public void Constructor_Width16_ScalesEveryStageAndTheHeads()
    {
        using var model = new DeepLabMulti(3, 4, OneBlockPerStage, new DeepLabOptions { Width = 16 });
        var state = model.state_dict();
        Assert.Equal([16L, 4, 7, 7], state["conv1.weight"].shape);
        Assert.Equal([3L, 256, 3, 3], state["layer5.conv2d_list.0.weight"].shape); // 16 * 4 * 4
        Assert.Equal([3L, 512, 3, 3], state["layer6.conv2d_list.0.weight"].shape); // 16 * 8 * 4
        using var noGrad = no_grad();
        model.eval();
        var (aux, main) = model.call(randn(1, 4, 65, 65));
        Assert.Equal([1L, 3, 9, 9], main.shape);
        Assert.Equal(aux.shape, main.shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeepLabMulti(3, 3, OneBlockPerStage, new DeepLabOptions { Width = 2 }));
    }

    [Fact]
    public void Constructor_AnyClassCount_HeadsPredictThatManyClasses()
    {
        using var model = Tiny(numClasses: 3);
        var state = model.state_dict();

        Assert.Equal([3L, 1024, 3, 3], state["layer5.conv2d_list.0.weight"].shape);
        Assert.Equal([3L, 2048, 3, 3], state["layer6.conv2d_list.3.weight"].shape);
        Assert.Equal([3L], state["layer6.conv2d_list.3.bias"].shape);
    }

    [Fact]
    public void Constructor_SixBands_Conv1TakesSixChannelsAndForwardRuns()
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(numClasses: 4, inputBands: 6);
        model.eval();
        using var noGrad = no_grad();

        var (_, main) = model.call(randn(1, 6, 40, 40));

        Assert.Equal([64L, 6, 7, 7], model.state_dict()["conv1.weight"].shape);
        Assert.Equal([1L, 4, 6, 6], main.shape);
    }

    [Fact]
    public void Forward_WrongBandCount_ThrowsNamingBothCounts()
    {
        using var model = Tiny(numClasses: 4, inputBands: 6);
        using var input = randn(1, 3, 40, 40);

        var error = Assert.Throws<ArgumentException>(() => model.call(input));

        Assert.Contains("N x 6 x H x W", error.Message);
        Assert.Contains("inputBands: 3", error.Message);
    }

    [Fact]
    public void Forward_SingleImageWithoutBatchDimension_ThrowsSayingToAddIt()
    {
        using var model = Tiny(numClasses: 4);
        using var input = randn(3, 40, 40);

        var error = Assert.Throws<ArgumentException>(() => model.call(input));

        Assert.Contains("[3, 40, 40]", error.Message);
        Assert.Contains("unsqueeze(0)", error.Message);
    }

    [Theory]
    [InlineData(50, new[] { 3, 4, 6, 3 })]
    [InlineData(101, new[] { 3, 4, 23, 3 })]
    public void BlocksForDepth_KnownDepth_ReturnsBlocksPerStage(int depth, int[] blocks)
    {
        Assert.Equal(blocks, DeepLabMulti.BlocksForDepth(depth));
    }

    [Fact]
    public void BlocksForDepth_UnknownDepth_ThrowsListingSupportedDepths()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DeepLabMulti.BlocksForDepth(34));
        Assert.Contains("50, 101", error.Message);
    }

    [Fact]
    public void Constructor_ThreeStages_ThrowsSayingFourAreNeeded()
    {
        var error = Assert.Throws<ArgumentException>(() => new DeepLabMulti(19, blocksPerStage: [3, 4, 23]));
        Assert.Contains("four", error.Message);
    }

    [Fact]
    public void ParameterGroups_ResNet50_ConvolutionsTrainBatchNormFrozenEachParameterOnce()
    {
        using var model = new DeepLabMulti(19, blocksPerStage: DeepLabMulti.ResNet50);
        var backbone = model.BackboneParameters().ToList();
        var head = model.HeadParameters().ToList();
        var all = model.named_parameters().ToList();

        // conv1, three convolutions per block, one projection per stage.
        Assert.Equal(1 + (16 * 3) + 4, backbone.Count);
        Assert.Equal(2 * 4 * 2, head.Count);
        Assert.All(backbone, p => Assert.Equal(4, p.Dimensions));
        Assert.Equal(backbone.Count + head.Count, backbone.Concat(head).Select(p => p.Handle).Distinct().Count());

        // Everything else is a batch-norm scale or shift, and frozen.
        var grouped = backbone.Concat(head).Select(p => p.Handle).ToHashSet();
        var rest = all.Where(p => !grouped.Contains(p.parameter.Handle)).ToList();
        Assert.Equal(2 * (1 + (16 * 3) + 4), rest.Count); // weight and bias of each batch norm
        Assert.All(rest, p => Assert.False(p.parameter.requires_grad, $"{p.name} should be frozen"));
        Assert.All(rest, p => Assert.Matches(@"(^|\.)(bn\d|downsample\.1)\.(weight|bias)$", p.name));
    }

    [Fact]
    public void BackboneParameters_TrainableBatchNorm_BatchNormScalesAndShiftsTrainWithTheBackbone()
    {
        using var scope = NewDisposeScope();
        var options = new DeepLabOptions { Backbone = AdaptSeg.Geo.Config.BackboneKind.TorchvisionResNet, TrainableBatchNorm = true, Width = 8 };
        using var model = Tiny(numClasses: 3, options: options);
        var backbone = model.BackboneParameters().ToList();
        int batchNorms = 1 + (4 * 3) + 4;

        // conv1, three convolutions per block and one projection per stage, plus each batch norm's weight and bias.
        Assert.Equal(1 + (4 * 3) + 4 + (2 * batchNorms), backbone.Count);
        Assert.All(model.named_parameters(), p => Assert.True(p.parameter.requires_grad, $"{p.name} should train"));

        model.train();
        var (aux, main) = model.call(randn(2, 3, 40, 40));
        main.sum().add(aux.sum()).backward();
        Tensor? gradient = model.named_parameters().Single(p => p.name == "layer2.0.bn2.weight").parameter.grad;
        Assert.NotNull(gradient);
        Assert.True(gradient.abs().sum().item<float>() > 0, "the batch-norm scale should receive a gradient");
        Assert.Equal(1L, model.state_dict()["layer2.0.bn2.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void To_Float64_KeepsBatchNormFrozenAndCountersInt64()
    {
        using var model = Tiny(numClasses: 2);
        model.to(ScalarType.Float64);

        var state = model.state_dict();
        Assert.Equal(ScalarType.Int64, state["bn1.num_batches_tracked"].dtype);
        Assert.Equal(ScalarType.Float64, state["bn1.running_var"].dtype);
        Assert.False(model.named_parameters().Single(p => p.name == "layer2.0.downsample.1.weight").parameter.requires_grad);
    }

    [Fact]
    public void AsppAllBranches_SameWeights_ChangesBothOutputs()
    {
        using var scope = NewDisposeScope();
        using var reference = Tiny(numClasses: 3);
        using var allBranches = Tiny(numClasses: 3, options: new DeepLabOptions { AsppAllBranches = true });
        FormulaWeights.Apply(reference);
        FormulaWeights.Apply(allBranches);
        reference.eval();
        allBranches.eval();
        using var noGrad = no_grad();
        Tensor input = FormulaWeights.Input([1, 3, 48, 48], 0.2).to(ScalarType.Float32);

        var (refAux, refMain) = reference.call(input);
        var (allAux, allMain) = allBranches.call(input);

        Assert.False(refAux.allclose(allAux, rtol: 1e-3, atol: 1e-5), "the aux output should change when all ASPP branches are summed");
        Assert.False(refMain.allclose(allMain, rtol: 1e-3, atol: 1e-5), "the main output should change when all ASPP branches are summed");
    }

    [Fact]
    public void Train_ReferenceOptions_BatchStatisticsUsedAndRunningStatisticsUpdated()
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(numClasses: 3);
        FormulaWeights.Apply(model);
        Tensor input = FormulaWeights.Input([2, 3, 40, 48], 0.4).to(ScalarType.Float32);
        var (_, evalMain) = Forward(model, input, train: false);
        Tensor meanBefore = model.state_dict()["bn1.running_mean"].clone();

        var (_, trainMain) = Forward(model, input, train: true);

        Assert.Equal(1L, model.state_dict()["bn1.num_batches_tracked"].item<long>());
        Assert.False(model.state_dict()["bn1.running_mean"].allclose(meanBefore), "train mode should update the running mean");
        Assert.False(trainMain.allclose(evalMain, rtol: 1e-3, atol: 1e-5), "train mode should normalise with batch statistics");
    }

    [Fact]
    public void Train_FrozenBatchNormStatistics_RunningStatisticsKeptAndOutputEqualsEval()
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(numClasses: 3, options: new DeepLabOptions { FrozenBatchNormStatistics = true });
        FormulaWeights.Apply(model);
        Tensor input = FormulaWeights.Input([2, 3, 40, 48], 0.4).to(ScalarType.Float32);
        var (evalAux, evalMain) = Forward(model, input, train: false);
        Tensor meanBefore = model.state_dict()["layer3.0.bn2.running_mean"].clone();

        var (trainAux, trainMain) = Forward(model, input, train: true);

        Assert.True(model.training, "the network itself is in training mode");
        Assert.Equal(0L, model.state_dict()["layer3.0.bn2.num_batches_tracked"].item<long>());
        Assert.True(model.state_dict()["layer3.0.bn2.running_mean"].allclose(meanBefore, rtol: 0, atol: 0));
        Assert.True(trainAux.allclose(evalAux, rtol: 0, atol: 0));
        Assert.True(trainMain.allclose(evalMain, rtol: 0, atol: 0));
    }

    [Fact]
    public void LoadStateDict_FromAnotherNetwork_GivesTheSameOutputs()
    {
        using var scope = NewDisposeScope();
        using var source = Tiny(numClasses: 3);
        using var target = Tiny(numClasses: 3);
        FormulaWeights.Apply(source);
        Tensor input = FormulaWeights.Input([1, 3, 40, 40], 0.7).to(ScalarType.Float32);

        var (missing, unexpected) = target.load_state_dict(source.state_dict());
        var (sourceAux, sourceMain) = Forward(source, input, train: false);
        var (targetAux, targetMain) = Forward(target, input, train: false);

        Assert.Empty(missing);
        Assert.Empty(unexpected);
        Assert.True(targetAux.allclose(sourceAux, rtol: 0, atol: 0));
        Assert.True(targetMain.allclose(sourceMain, rtol: 0, atol: 0));
    }

    [Fact]
    public void Backward_ReferenceAspp_UnusedBranchesGetNoGradientOthersDo()
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(numClasses: 3);
        model.train();
        var (aux, main) = model.call(randn(2, 3, 32, 32));

        (aux.sum() + main.sum()).backward();

        var grads = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad);
        Assert.NotNull(grads["layer6.conv2d_list.1.weight"]);
        Assert.NotNull(grads["layer5.conv2d_list.0.bias"]);
        Assert.NotNull(grads["conv1.weight"]);
        Assert.Null(grads["layer6.conv2d_list.2.weight"]);
        Assert.Null(grads["layer5.conv2d_list.3.bias"]);
        Assert.Null(grads["bn1.weight"]);
    }

    [Fact]
    public void Constructor_ReferenceInitialisation_ConvolutionsNormalWithStd001BatchNormIdentity()
    {
        using var model = Tiny(numClasses: 3);
        var state = model.state_dict();
        Tensor w = state["layer4.0.conv2.weight"];

        Assert.InRange(w.std().item<float>(), 0.0095f, 0.0105f);
        Assert.InRange(w.mean().item<float>(), -0.0005f, 0.0005f);
        Assert.True(state["layer2.0.bn1.weight"].eq(1).all().item<bool>());
        Assert.True(state["layer2.0.bn1.bias"].eq(0).all().item<bool>());
    }

    private static DeepLabMulti Tiny(int numClasses, int inputBands = 3, DeepLabOptions? options = null) =>
        new(numClasses, inputBands, OneBlockPerStage, options);

    private static (Tensor Aux, Tensor Main) Forward(DeepLabMulti model, Tensor input, bool train)
    {
        model.train(train);
        using var noGrad = no_grad();
        return model.call(input);
    }
}
