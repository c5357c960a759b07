using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;

namespace NeuralProgrammer.Tests.Shared;

/// <summary>
/// TorchSharp turns a number passed to a tensor operation into a <see cref="Scalar"/> that owns a native c10::Scalar
/// and frees it in its finalizer. The operation passes only the native handle to libtorch, so from that point the
/// managed Scalar is garbage: a collection triggered by another thread while the native call runs can finalize it and
/// free the c10::Scalar under libtorch's feet ("Expected false to be true" from c10/core/Scalar.h, a crashed test
/// host or a worker retry; seen only when the machine is busy). The project's code therefore never converts a number
/// to a Scalar implicitly: constants are static Scalars (<see cref="Scalars"/>), run-time values are disposed after the
/// call (<c>using var</c>), which keeps them alive through it. This test reads the IL of every method of the
/// project's assemblies and names each implicit conversion it finds.
/// </summary>
public class ScalarLifetimeTests
{
    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The project's assemblies beside this test assembly (the model here; the grains too where linked into their tests).</summary>
    public static TheoryData<string> ProjectAssemblies() =>
        new(Directory.GetFiles(AppContext.BaseDirectory, "NeuralProgrammer.*.dll").Select(Path.GetFileNameWithoutExtension)
            .Where(name => !name!.Contains(".Tests", StringComparison.Ordinal)).Order()!);

    [Theory]
    [MemberData(nameof(ProjectAssemblies))]
    public void NoNumberBecomesAScalarImplicitly(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        var sites = new List<string>();
        foreach (var type in assembly.GetTypes())
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                     .Cast<MethodBase>().Concat(type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly)))
        {
            if (method.GetMethodBody()?.GetILAsByteArray() is not { } il) continue;
            foreach (var callee in Calls(method.Module, il))
                if (callee is MethodInfo { Name: "op_Implicit" } conversion && conversion.ReturnType == typeof(Scalar))
                    sites.Add($"{type.FullName}.{method.Name} converts {conversion.GetParameters()[0].ParameterType.Name}");
        }
        // The static Scalars themselves are the one place numbers become Scalars, on purpose and kept alive.
        sites.RemoveAll(s => s.StartsWith("NeuralProgrammer.Model.Scalars.", StringComparison.Ordinal));
        Assert.True(sites.Count == 0, "Implicit number-to-Scalar conversions (use Scalars or a using var):\n" + string.Join("\n", sites.Distinct()));
    }

    static IEnumerable<MethodBase> Calls(Module module, byte[] il)
    {
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            var opCode = OpCodesByValue[value];
            i += opCode.Size;
            if (opCode.OperandType == OperandType.InlineMethod && (opCode == OpCodes.Call || opCode == OpCodes.Callvirt || opCode == OpCodes.Newobj))
            {
                MethodBase? callee = null;
                try { callee = module.ResolveMethod(BitConverter.ToInt32(il, i)); }
                catch (ArgumentException) { } // a generic instantiation this context cannot resolve: not a conversion
                if (callee is not null) yield return callee;
            }
            i += opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }
}
