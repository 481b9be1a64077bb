"""Synthetic demo data: generated from a seed, never from real people."""

from feedback.demo.generate import DemoData, comment_bank, generate_demo
from feedback.demo.load import load_demo

__all__ = ["DemoData", "comment_bank", "generate_demo", "load_demo"]
