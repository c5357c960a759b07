// Every test runs np as its own process, and one of them trains a model: run them one at a time so that they don't
// fight over the 2 cores (torch threads spin while they wait, so oversubscription costs far more than it shares).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
