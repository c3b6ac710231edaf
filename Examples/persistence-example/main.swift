// The seed's example_persistence.py, in Swift. Being written (issue 5); run: swift run persistence-example
print("persistence-example: not written yet")
