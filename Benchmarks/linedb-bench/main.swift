// Filled in by the benchmark's author.
print("bench")
