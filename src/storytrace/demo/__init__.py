"""Demo material: a small news site served on the loopback interface (`python -m storytrace.demo.site`)."""
