// Filled in by the crash tests' author.
print("crash writer")
