"""Extract: turn sentences into claims and drone mentions (numbers, units, places, scope, sides)."""
