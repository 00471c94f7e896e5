"""The screens of the learner's UI, one per step of the flow."""
