"""All-or-nothing settlement: a campaign that missed its goal gives every gift back."""
