using System.Diagnostics;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

// prof <variant> <batch> <infer|train> <seconds> <threads>
var variant = DatasetVariants.Parse(args[0]);
int b = int.Parse(args[1]); string mode = args[2]; double seconds = double.Parse(args[3]);
set_num_threads(int.Parse(args[4]));
var spec = new TrainingSpec { Variant = variant, TrainingExamples = Math.Max(2000, 4*b), TestExamples = 500, Seed = 1,
    HyperParameters = HyperParameters.Default with { BatchSize = b, ProgramMemoryWeight = mode == "memory" ? 1000 : 0 } };
using var trainer = new Trainer(spec);
if (mode != "infer") for (int i = 0; i < 3; i++) trainer.Step();
var examples = trainer.TestSet.Take(b).ToList();
using var batch = EncodedBatch.Encode(examples, trainer.Vocabulary);
var net = trainer.Network; net.eval();
Console.WriteLine($"V={trainer.Vocabulary.Count} Q={batch.Words.shape[1]} M={batch.Table.shape[1]} C={batch.Table.shape[2]}");
if (mode == "rows") {
    var train = trainer.TrainingSet.Take(b).ToList();
    var memory = NeuralProgrammer.Model.Programs.ProgramMemory.Build(trainer.TrainingSet.ToList(), net.Operations, 4);
    using var targets = NeuralProgrammer.Model.Programs.ProgramTargets.Encode(train, memory, 4, CPU);
    Console.WriteLine($"slots {targets.Slotted}; rows per step: {string.Join(", ", targets.RowExamples.Select(r => r.shape[0]))}");
    return;
}
var proc = Process.GetCurrentProcess();
var cpu0 = proc.TotalProcessorTime; var c = Stopwatch.StartNew(); int n = 0;
if (mode == "infer") { using (no_grad()) while (c.Elapsed.TotalSeconds < seconds) { using (net.forward(batch, Selection.Argmax)) {} n++; } }
else { if (mode == "memory") trainer.Step(); net.train(); while (c.Elapsed.TotalSeconds < seconds) { trainer.Step(); n++; } }
proc.Refresh();
Console.WriteLine($"{mode} b{b}: {n} iters, wall {c.Elapsed.TotalMilliseconds/n:F3} ms, cpu {(proc.TotalProcessorTime-cpu0).TotalMilliseconds/n:F3} ms per iter");
