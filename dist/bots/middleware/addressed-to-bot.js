/** Direct chats always reach the bot; in rooms and channels only messages that mention or reply to it. */
export const addressedToBot = {
    name: 'addressed',
    async handle(turn) {
        return turn.message.isDirect || turn.message.addressedToBot;
    },
};
