using FsCheck;
using FsCheck.Fluent;

namespace DatabricksNetworking.Tests;

/// <summary>Property tests are only as good as their generators: each must give both answers often.</summary>
public static class GeneratorBalance
{
    /// <summary>Asserts that between 10% and 90% of 1000 generated values are valid.</summary>
    public static void AssertBoth<T>(Arbitrary<T> arb, Func<T, bool> valid)
    {
        var sample = arb.Generator.Sample(1000, 50);
        Assert.Equal(1000, sample.Length);
        Assert.InRange(sample.Count(valid), sample.Length / 10, sample.Length - sample.Length / 10);
    }
}
