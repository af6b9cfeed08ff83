"""Periodic jobs, declared as data; `flask scheduler` runs them, `flask jobs run NAME` runs one."""
