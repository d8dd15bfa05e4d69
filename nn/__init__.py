"""nn: neurons, layers and MLPs built from autodiff Values."""
