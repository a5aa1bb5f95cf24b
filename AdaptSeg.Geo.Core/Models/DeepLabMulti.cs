using AdaptSeg.Geo.Config;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// DeepLab-v2 with two outputs, as the reference AdaptSegNet <c>ResNetMulti</c>
/// (<c>model/deeplab_multi.py</c>): a ResNet of <see cref="Bottleneck"/> blocks with output
/// stride 8 (stride on each block's first 1x1 convolution, <c>ceil_mode</c> max-pool in the stem,
/// dilation 2 in <c>layer3</c> and 4 in <c>layer4</c>, a projection shortcut in every stage's first
/// block), an auxiliary ASPP head <c>layer5</c> on <c>layer3</c> and the main ASPP head <c>layer6</c>
/// on <c>layer4</c>. <see cref="forward"/> returns both heads' class scores at about 1/8 of the
/// input resolution (<see cref="OutputSize"/>: 512 gives 65); nothing is upsampled inside.
/// With <see cref="DeepLabOptions.Backbone"/> = <see cref="BackboneKind.TorchvisionResNet"/> the
/// same heads sit on torchvision's ResNet instead (stride on the 3x3 convolution, floor-mode
/// max-pool, output stride 8 or 16 by <see cref="DeepLabOptions.OutputStride"/>; see <see cref="Stages"/>).
/// </summary>
/// <remarks>
/// The submodule fields carry the reference attribute names, in the reference order, so the
/// state-dict keys (<c>conv1.weight</c>, <c>layer3.22.bn2.running_var</c>,
/// <c>layer6.conv2d_list.3.bias</c>, ...) are those of the released checkpoints by construction;
/// <see cref="state_dict"/> lists them in PyTorch's order (see <see cref="PyTorchStateDict"/>).
/// torchvision's backbone keys are the same names, so its checkpoints load by name too.
/// The network is built in float32 on the CPU with the reference initialisation (every convolution
/// weight ~ N(0, 0.01), batch norm 1 / 0; torchvision's backbone: its Kaiming initialisation, the
/// heads as the reference); move it with <c>to(device)</c> / <c>to(dtype)</c>.
/// </remarks>
public sealed class DeepLabMulti : nn.Module<Tensor, (Tensor Aux, Tensor Main)>, IMultiLevelNetwork
{
    /// <summary>Channels of <c>layer3</c>, the input of the auxiliary head.</summary>
    public const int AuxChannels = 1024; // with the reference width 64

    /// <summary>Channels of <c>layer4</c>, the input of the main head.</summary>
    public const int MainChannels = 2048; // with the reference width 64

    // Field names and order are PyTorch's (ResNetMulti.__init__): they make the state-dict keys.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly AsppClassifier layer5;
    private readonly AsppClassifier layer6;

    /// <param name="numClasses">Classes predicted by both heads (19 for Cityscapes).</param>
    /// <param name="inputBands">Channels of the input image (3 for RGB; any number for multispectral imagery).</param>
    /// <param name="blocksPerStage">Bottleneck blocks in layer1..layer4: <see cref="ResNet101"/> (default, the reference) or <see cref="ResNet50"/>, see <see cref="BlocksForDepth"/>.</param>
    /// <param name="options">Reference quirks; <see cref="DeepLabOptions.Reference"/> when null.</param>
    public DeepLabMulti(int numClasses, int inputBands = 3, IReadOnlyList<int>? blocksPerStage = null, DeepLabOptions? options = null)
        : base(nameof(DeepLabMulti))
    {
        if (numClasses < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "The number of classes must be at least 1.");
        }

        if (inputBands < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(inputBands), inputBands, "The number of input bands must be at least 1.");
        }

        blocksPerStage ??= ResNet101;
        if (blocksPerStage.Count != 4 || blocksPerStage.Any(b => b < 1))
        {
            throw new ArgumentException(
                $"blocksPerStage must hold four positive block counts (layer1..layer4), e.g. [3, 4, 23, 3] for ResNet-101; got [{string.Join(", ", blocksPerStage)}].",
                nameof(blocksPerStage));
        }

        NumClasses = numClasses;
        InputBands = inputBands;
        BlocksPerStage = blocksPerStage.ToArray();
        Options = options ?? DeepLabOptions.Reference;

        if (Options.Width is < 4 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.Width, "The stem width must be between 4 and 256 (the reference: 64).");
        }

        IReadOnlyList<ResNetStage> stages = Stages(Options);
        bool torchvision = Options.Backbone == BackboneKind.TorchvisionResNet;
        bool trainableBn = Options.TrainableBatchNorm;
        long width = Options.Width;
        conv1 = nn.Conv2d(inputBands, width, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = FrozenBatchNorm.Create(width, trainableBn);
        relu = nn.ReLU(inplace: true);
        maxpool = nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1, ceil_mode: !torchvision);
        long inplanes = width;
        layer1 = MakeLayer(ref inplanes, planes: width, BlocksPerStage[0], stages[0], torchvision, trainableBn);
        layer2 = MakeLayer(ref inplanes, planes: 2 * width, BlocksPerStage[1], stages[1], torchvision, trainableBn);
        layer3 = MakeLayer(ref inplanes, planes: 4 * width, BlocksPerStage[2], stages[2], torchvision, trainableBn);
        long auxChannels = inplanes;
        layer4 = MakeLayer(ref inplanes, planes: 8 * width, BlocksPerStage[3], stages[3], torchvision, trainableBn);
        layer5 = new AsppClassifier(auxChannels, numClasses, AsppClassifier.ReferenceDilations, Options.AsppAllBranches);
        layer6 = new AsppClassifier(inplanes, numClasses, AsppClassifier.ReferenceDilations, Options.AsppAllBranches);
        RegisterComponents();
        InitialiseLikeReference();
    }

    /// <summary>Blocks per stage of ResNet-101, the reference depth.</summary>
    public static IReadOnlyList<int> ResNet101 { get; } = [3, 4, 23, 3];

    /// <summary>Blocks per stage of ResNet-50.</summary>
    public static IReadOnlyList<int> ResNet50 { get; } = [3, 4, 6, 3];

    /// <summary>Classes predicted by both heads.</summary>
    public int NumClasses { get; }

    /// <summary>Channels the input must have.</summary>
    public int InputBands { get; }

    /// <summary>Bottleneck blocks in layer1..layer4.</summary>
    public IReadOnlyList<int> BlocksPerStage { get; }

    /// <summary>The reference quirks this network was built with.</summary>
    public DeepLabOptions Options { get; }

    /// <summary>Input size over output size, approximately (see <see cref="OutputSize"/>): 8 or 16.</summary>
    public int OutputStride => Options.OutputStride;

    /// <summary>
    /// Stride and dilations of <c>layer1</c>..<c>layer4</c> for <paramref name="options"/>:
    /// <list type="bullet">
    /// <item>DeepLab-v2 (reference): (1, 1), (2, 1), (1, 2), (1, 4): dilation 2 and 4 in every block of
    /// <c>layer3</c> and <c>layer4</c>.</item>
    /// <item>torchvision, output stride 8 (<c>replace_stride_with_dilation = [F, T, T]</c>): <c>layer3</c>'s first
    /// block dilation 1, the others 2; <c>layer4</c>'s first 2, the others 4.</item>
    /// <item>torchvision, output stride 16 (<c>[F, F, T]</c>): <c>layer3</c> stride 2; <c>layer4</c>'s first block
    /// dilation 1, the others 2.</item>
    /// </list>
    /// torchvision's <c>_make_layer</c> gives a stage that replaces its stride by dilation the
    /// previous stage's dilation in its first block; this follows it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An output stride other than 8, or than 8 or 16 for torchvision.</exception>
    public static IReadOnlyList<ResNetStage> Stages(DeepLabOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Backbone == BackboneKind.DeepLabV2ResNet)
        {
            if (options.OutputStride != 8)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.OutputStride,
                    "The DeepLab-v2 (Caffe) ResNet has output stride 8 only; use the torchvision backbone for output stride 16.");
            }

            return [new(1, 1, 1), new(2, 1, 1), new(1, 2, 2), new(1, 4, 4)];
        }

        if (options.OutputStride is not (8 or 16))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.OutputStride, "The torchvision ResNet backbone supports output stride 8 or 16.");
        }

        // torchvision's ResNet._make_layer for layer2..layer4 with replace_stride_with_dilation.
        bool[] dilate = options.OutputStride == 8 ? [false, true, true] : [false, false, true];
        var stages = new List<ResNetStage> { new(1, 1, 1) };
        int dilation = 1;
        foreach (bool d in dilate)
        {
            int previous = dilation;
            int stride = 2;
            if (d)
            {
                dilation *= stride;
                stride = 1;
            }

            stages.Add(new ResNetStage(stride, previous, dilation));
        }

        return stages;
    }

    /// <summary>Blocks per stage for a ResNet depth: 50, 101 (the reference) or 152.</summary>
    public static IReadOnlyList<int> BlocksForDepth(int depth) => depth switch
    {
        50 => ResNet50,
        101 => ResNet101,
        152 => [3, 8, 36, 3],
        _ => throw new ArgumentOutOfRangeException(nameof(depth), depth, "Supported ResNet depths are 50, 101 (the reference) and 152."),
    };

    /// <summary>
    /// Height or width of both outputs for an input height or width, for the backbone of
    /// <paramref name="options"/> (the reference when null). Every stride-2 step is a 7x7, 3x3 or 1x1
    /// convolution giving ceil(n/2), except the reference's ceil-mode max-pool, which gives
    /// floor(n/2) + 1. Reference: 512 gives 65, 321 gives 41, 77 gives 10; torchvision at output
    /// stride 8: 512 gives 64, at 16: 32.
    /// </summary>
    public static long OutputSize(long inputSize, DeepLabOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        options ??= DeepLabOptions.Reference;
        long size = Halve(inputSize);                         // conv1: 7x7, stride 2, padding 3
        if (options.Backbone == BackboneKind.DeepLabV2ResNet)
        {
            long conv = size;
            size = ((conv + 2 - 3 + 1) / 2) + 1;              // 3x3, stride 2, padding 1, ceil_mode
            if ((size - 1) * 2 >= conv + 1)
            {
                size--;                                       // the last window must start inside the padded input
            }
        }
        else
        {
            size = Halve(size);                               // 3x3, stride 2, padding 1, floor mode
        }

        foreach (ResNetStage stage in Stages(options).Where(s => s.Stride == 2))
        {
            size = Halve(size);                               // the stage's strided convolution (1x1 or 3x3 with padding 1)
        }

        return size;
    }

    /// <summary>
    /// Class scores of the auxiliary head (<c>layer5</c>, on <c>layer3</c>) and of the main head
    /// (<c>layer6</c>, on <c>layer4</c>), both N x classes x OutputSize(H) x OutputSize(W) (about
    /// 1/<see cref="OutputStride"/> of the input), not upsampled.
    /// </summary>
    public override (Tensor Aux, Tensor Main) forward(Tensor input)
    {
        CheckInput(input);
        using var scope = NewDisposeScope();
        Tensor x = RunStage(layer3, RunStage(layer2, RunStage(layer1, Stem(input))));
        Tensor aux = layer5.call(x);
        Tensor main = layer6.call(RunStage(layer4, x));
        return (scope.MoveToOuter(aux), scope.MoveToOuter(main));
    }

    /// <summary>
    /// The same computation as <see cref="forward"/>, keeping every stage output (more memory).
    /// </summary>
    public DeepLabFeatures ForwardFeatures(Tensor input)
    {
        CheckInput(input);
        using var scope = NewDisposeScope();
        Tensor stem = Stem(input);
        Tensor l1 = RunStage(layer1, stem);
        Tensor l2 = RunStage(layer2, l1);
        Tensor l3 = RunStage(layer3, l2);
        Tensor aux = layer5.call(l3);
        Tensor l4 = RunStage(layer4, l3);
        Tensor main = layer6.call(l4);
        return new DeepLabFeatures(
            scope.MoveToOuter(stem), scope.MoveToOuter(l1), scope.MoveToOuter(l2), scope.MoveToOuter(l3),
            scope.MoveToOuter(l4), scope.MoveToOuter(aux), scope.MoveToOuter(main));
    }

    /// <summary>
    /// Sets training mode. With <see cref="DeepLabOptions.FrozenBatchNormStatistics"/> every batch
    /// norm stays in evaluation mode (running statistics used, never updated).
    /// </summary>
    public override void train(bool train = true)
    {
        base.train(train);
        if (train && Options.FrozenBatchNormStatistics)
        {
            foreach (nn.Module module in modules())
            {
                if (module is BatchNorm2d bn)
                {
                    bn.eval();
                }
            }
        }
    }

    /// <summary>
    /// The backbone parameters that train (convolution weights of conv1 and layer1..layer4; the
    /// batch-norm scales and shifts are frozen unless <see cref="DeepLabOptions.TrainableBatchNorm"/>),
    /// each once: the reference <c>get_1x_lr_params_NOscale</c>, trained at the base learning rate.
    /// </summary>
    public IEnumerable<Parameter> BackboneParameters()
    {
        nn.Module[] backbone = [conv1, bn1, layer1, layer2, layer3, layer4];
        return backbone.SelectMany(m => m.parameters()).Where(p => p.requires_grad);
    }

    /// <summary>
    /// Every parameter of the two ASPP heads (<c>layer5</c>, <c>layer6</c>), including the branches
    /// the reference never runs: the reference <c>get_10x_lr_params</c>, trained at 10x the base rate.
    /// </summary>
    /// <inheritdoc />
    nn.Module<Tensor, (Tensor Aux, Tensor Main)> IMultiLevelNetwork.Module => this;

    public IEnumerable<Parameter> HeadParameters() => layer5.parameters().Concat(layer6.parameters());

    /// <summary>The state dict in PyTorch's order (the keys of the reference checkpoints).</summary>
    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null) =>
        PyTorchStateDict.Collect(this, destination, prefix);

    private static Sequential MakeLayer(ref long inplanes, long planes, int blocks, ResNetStage stage, bool torchvision, bool trainableBn)
    {
        // The reference projects the shortcut of every stage's first block: its condition
        // (stride != 1, a channel change, or dilation 2 or 4) holds for all four stages. torchvision's
        // (stride != 1 or a channel change) holds for every first block too: its input has 1/4 or 1/2
        // of the block's output channels.
        var modules = new List<nn.Module<Tensor, Tensor>>
        {
            new Bottleneck(inplanes, planes, stage.Stride, stage.FirstDilation, projectShortcut: true, strideOn3x3: torchvision, trainableBatchNorm: trainableBn),
        };
        inplanes = planes * Bottleneck.Expansion;
        for (int i = 1; i < blocks; i++)
        {
            modules.Add(new Bottleneck(inplanes, planes, stride: 1, dilation: stage.Dilation, strideOn3x3: torchvision, trainableBatchNorm: trainableBn));
        }

        return nn.Sequential(modules);
    }

    private static long Halve(long size) => ((size - 1) / 2) + 1;

    /// <summary>Runs a stage block by block, releasing each intermediate output as soon as it is consumed.</summary>
    private static Tensor RunStage(Sequential stage, Tensor input)
    {
        Tensor x = input;
        foreach (nn.Module block in stage.children())
        {
            Tensor next = ((nn.Module<Tensor, Tensor>)block).call(x);
            if (!ReferenceEquals(x, input))
            {
                x.Dispose();
            }

            x = next;
        }

        return x;
    }

    private Tensor Stem(Tensor input) => maxpool.call(relu.call(bn1.call(OneDnnSafeConvolution.Forward(conv1, input))));

    private void CheckInput(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dimensions != 4)
        {
            throw new ArgumentException(
                $"DeepLabMulti expects a batch N x {InputBands} x H x W; got shape [{string.Join(", ", input.shape)}]. " +
                "Add the batch dimension (unsqueeze(0)) for a single image.",
                nameof(input));
        }

        if (input.shape[1] != InputBands)
        {
            throw new ArgumentException(
                $"DeepLabMulti expects a batch N x {InputBands} x H x W; got shape [{string.Join(", ", input.shape)}]. " +
                $"Give it images with {InputBands} band(s), or build the network with inputBands: {input.shape[1]}.",
                nameof(input));
        }
    }

    /// <summary>
    /// The reference's initialisation: every convolution N(0, 0.01), batch norm 1 and 0. The
    /// torchvision backbone gets torchvision's instead (Kaiming normal, fan-out, for ReLU; batch
    /// norm 1 and 0); its heads still start as the reference's.
    /// </summary>
    private void InitialiseLikeReference()
    {
        using var noGrad = torch.no_grad();
        bool torchvision = Options.Backbone == BackboneKind.TorchvisionResNet;
        var heads = new HashSet<nn.Module>(layer5.modules().Concat(layer6.modules()));
        foreach (nn.Module module in modules())
        {
            switch (module)
            {
                case Conv2d conv when torchvision && !heads.Contains(conv):
                    nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case Conv2d conv:
                    conv.weight!.normal_(0.0, 0.01);
                    break;
                case BatchNorm2d bn:
                    bn.weight.fill_(1.0);
                    bn.bias!.zero_();
                    break;
            }
        }
    }
}
