namespace AdaptSeg.Geo.Visualisation;

/// <summary>One panel of <see cref="LossPlot"/>: a title and the auxiliary- and main-level loss per logged iteration.</summary>
/// <param name="Title">Shown over the panel.</param>
/// <param name="Aux">Auxiliary-level (layer5) values, one per iteration; non-finite values are left out.</param>
/// <param name="Main">Main-level (layer6) values, one per iteration.</param>
public sealed record LossPanel(string Title, IReadOnlyList<double> Aux, IReadOnlyList<double> Main);
