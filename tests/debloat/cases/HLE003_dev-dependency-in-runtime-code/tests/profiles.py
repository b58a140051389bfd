import hypothesis

hypothesis.settings.register_profile("ci", max_examples=10)
