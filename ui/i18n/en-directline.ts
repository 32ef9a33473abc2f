/** The bot's own Direct Line (English): what the channel itself says (bot/directline/). */
export const enDirectLine = {
  'dl.whileAway': 'While you were away:',
};
