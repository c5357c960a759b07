using TorchSharp;

namespace NeuralProgrammer.Model;

/// <summary>
/// The numbers tensor operations take as TorchSharp <see cref="Scalar"/>s, made once and alive for the process. A
/// Scalar converted implicitly from a number at a call is garbage as soon as its native handle is passed on, and a
/// collection during the native call can finalize it and free the c10::Scalar that libtorch is reading (a crash seen
/// only under load). So the project never converts implicitly (a test reads the IL for it): constants come from here
/// or from a class's own static fields, run-time values are made with <c>using var s = x.ToScalar()</c>, which keeps
/// them alive until after the call.
/// </summary>
public static class Scalars
{
    public static readonly Scalar Zero = 0.ToScalar();
    public static readonly Scalar One = 1.ToScalar();
    public static readonly Scalar Half = 0.5.ToScalar();
    public static readonly Scalar NegativeInfinity = double.NegativeInfinity.ToScalar();
}
