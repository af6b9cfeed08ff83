"""Anti-backsliding monitoring: renovation records, facilities, inspections, indicators, alerts."""
