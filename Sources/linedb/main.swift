print("linedb: command line under construction")
