"""Tests of the fictional demo scenario generator (dualtrace.demo.scenario)."""
